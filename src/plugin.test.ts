// The built plugin, as Grafana will load it (`npm test` builds first): dist/ holds a valid plugin.json,
// an AMD module that leaves Grafana's shared modules external, and stays within the size budget; the
// embedded page is one file whose Content Security Policy admits exactly its own script and style.
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { DIST_BUDGET_BYTES } from '../.config/webpack/constants';
import { measureDir } from '../.config/webpack/BundleSizePlugin';
import { inlinePage, scriptSafe } from '../.config/webpack/InlinePagePlugin';
import { pluginJsonProblems } from '../.config/webpack/pluginJson';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PAGE = path.join(ROOT, 'build', 'page', 'index.html');
const built = (f: string) => {
  if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run npm run build`);
  return fs.readFileSync(f, 'utf8');
};

describe('plugin.json', () => {
  it('passes the schema rules in the source and, versioned and dated, in dist/', () => {
    expect(pluginJsonProblems(JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'plugin.json'), 'utf8')))).toEqual([]);
    const dist = JSON.parse(built(path.join(DIST, 'plugin.json')));
    expect(pluginJsonProblems(dist)).toEqual([]);
    expect(dist.info.version).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    expect(dist.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(dist.type).toBe('panel');
    expect(dist.dependencies.grafanaDependency).toBe('>=13.0.0');
    expect(fs.existsSync(path.join(DIST, dist.info.logos.small))).toBe(true);
  });

  it('catches what the schema forbids', () => {
    const good = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'plugin.json'), 'utf8'));
    expect(pluginJsonProblems({ ...good, id: 'Upstream_Doctor' })).toContainEqual(expect.stringContaining('does not match'));
    expect(pluginJsonProblems({ ...good, id: 'upstream-doctor-app' })).toEqual(['id "upstream-doctor-app" does not end in "-panel"']);
    expect(pluginJsonProblems({ ...good, colour: 'red' })).toEqual(['unknown key "colour"']);
    expect(pluginJsonProblems({ ...good, info: { ...good.info, keywords: [] } })).toEqual(['info.keywords needs at least one keyword']);
    expect(pluginJsonProblems({ ...good, dependencies: {} })).toEqual(['missing "dependencies.grafanaDependency"']);
    expect(pluginJsonProblems({ ...good, dependencies: { grafanaDependency: 'thirteen' } })).toHaveLength(1);
  });
});

describe('dist/module.js', () => {
  it('is an AMD module asking Grafana for React and the Grafana packages instead of bundling them', () => {
    const js = built(path.join(DIST, 'module.js'));
    const deps = /define\((\[[^\]]*\])/.exec(js);
    expect(deps).not.toBeNull();
    const names = JSON.parse(deps![1]) as string[];
    expect(names).toEqual(expect.arrayContaining(['@grafana/data', '@grafana/ui', '@grafana/runtime', 'react', 'react/jsx-runtime']));
    expect(js).not.toContain('react.production');
    expect(js).not.toContain('__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE');
  });

  it('stays within the gzipped budget for everything in dist/', () => {
    const total = measureDir(DIST).reduce((a, r) => a + r.gzip, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(DIST_BUDGET_BYTES);
  });
});

describe('the embedded page', () => {
  const sha = (s: string) => `'sha256-${crypto.createHash('sha256').update(s, 'utf8').digest('base64')}'`;

  it('is one file whose policy allows its own inline script and style by hash, and nothing else', () => {
    const html = built(PAGE);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    expect(csp).toContain(`script-src ${sha(scripts[0])}`);
    expect(csp).toContain(`style-src ${sha(styles[0])}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('cannot be cut short by a "</script>" inside the bundle', () => {
    const js = 'const s = "</script><script>alert(1)</script>"; // <!-- x';
    expect(scriptSafe(js)).not.toMatch(/<\/script/i);
    const html = inlinePage('<meta content="%CSP%"><style>a{}</style><!-- page-script -->', js);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
});
