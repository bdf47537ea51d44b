// The HTTP side against a real server on 127.0.0.1 and a real diagnosis of the bundled samples.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles } from '../ingest/files';
import { buildDiagnosis, type DiagnosisSources } from '../report/diagnosis';
import { documentPolicy, inlineTexts, NOTHING_POLICY } from './pagePolicy';
import { createCollectorServer, listen } from './server';

const sample = (name: string, file: string) => join(__dirname, '../../samples', name, file);

async function sourcesFor(access: string, extra: { error?: string[] } = {}): Promise<DiagnosisSources> {
  return analyzeFiles({ access: [access], error: extra.error });
}

async function start(sources: DiagnosisSources, pageDir: string | null, corsOrigin: string | null = null) {
  const server = createCollectorServer({
    corsOrigin,
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'upstream_doctor_build_info{version="test"} 1\n' }),
    diagnosis: (q) => buildDiagnosis(sources, q),
    health: () => ({ status: 'ok' }),
    pageDir,
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  return { server, base: `http://127.0.0.1:${port}` };
}

const close = (s: Server) => new Promise((r) => s.close(r));

describe('collector HTTP server', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const src = await sourcesFor(sample('middlebox_idle_timeout', 'access.log'), { error: [sample('middlebox_idle_timeout', 'error.log')] });
    ({ server, base } = await start(src, null));
  });
  afterAll(() => close(server));

  it('serves the diagnosis, and the same for a window given in RFC 3339 or epoch ms', async () => {
    const all = await (await fetch(`${base}/api/diagnosis`)).json();
    expect(all.likely_cause).toBe('middlebox_idle_timeout');
    const from = Date.parse(all.series.from);
    const to = Date.parse(all.series.to);
    const byMs = await (await fetch(`${base}/api/diagnosis?from=${from}&to=${to}`)).json();
    const byIso = await (await fetch(`${base}/api/diagnosis?from=${all.series.from}&to=${all.series.to}&upstream=${encodeURIComponent(all.upstream)}`)).json();
    expect(byMs.likely_cause).toBe(all.likely_cause);
    expect(byIso.likely_cause).toBe(all.likely_cause);
    expect(byIso.series.upstreams.map((u: { upstream: string }) => u.upstream)).toEqual([all.upstream]);
  });

  it('answers a window before any traffic as healthy with no requests', async () => {
    const d = await (await fetch(`${base}/api/diagnosis?from=0&to=1000`)).json();
    expect(d.likely_cause).toBe('healthy');
    expect(d.series.requests).toBe(0);
  });

  it.each([
    ['from=yesterday', /from: expected RFC 3339/],
    ['from=2000&to=1000', /from must be before to/],
    ['frm=1', /unknown parameter "frm"/],
    ['upstream=', /upstream: expected an address/],
  ])('rejects %s with 400 and a reason', async (qs, pattern) => {
    const res = await fetch(`${base}/api/diagnosis?${qs}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(pattern);
  });

  it('lets no other origin read the API unless one is configured', async () => {
    const res = await fetch(`${base}/api/diagnosis`);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves /metrics, /healthz, and 404 / 405 for the rest', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await (await fetch(`${base}/healthz`)).json()).status).toBe('ok');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/diagnosis`, { method: 'POST' })).status).toBe(405);
  });

  it('renders the fallback page with the verdict, under a policy that admits exactly its own stylesheet', async () => {
    const res = await fetch(`${base}/`);
    const html = await res.text();
    expect(html).toMatch(/Load balancer \/ NAT idle timeout/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(documentPolicy(html));
    expect(inlineTexts(html).styles).toHaveLength(1);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe/);
  });

  it('lets the API, metrics and errors load nothing, and keeps the other safety headers', async () => {
    for (const path of ['/api/diagnosis', '/api/series', '/metrics', '/healthz', '/nope']) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.headers.get('content-security-policy')]).toEqual([path, NOTHING_POLICY]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('the built page', () => {
  const PAGE_DIR = join(__dirname, '../../build/page');

  it("is sent with its own <meta> policy as the header, plus frame-ancestors 'none' (which a <meta> cannot say)", async () => {
    if (!existsSync(join(PAGE_DIR, 'index.html'))) throw new Error(`${PAGE_DIR}/index.html is missing: run npm run build`);
    const html = readFileSync(join(PAGE_DIR, 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    const { server, base } = await start(await sourcesFor(sample('healthy', 'access.log')), PAGE_DIR);
    try {
      for (const path of ['/', '/index.html']) {
        const res = await fetch(`${base}${path}`);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.headers.get('content-security-policy')).toBe(`${meta}; frame-ancestors 'none'`);
      }
      expect(meta).toMatch(/script-src 'sha256-[^' ]+'(;|$)/);
      expect(meta).not.toMatch(/unsafe|\*/);
    } finally {
      await close(server);
    }
  });
});

describe('CORS', () => {
  it('allows exactly the configured origin (Grafana) to read the API', async () => {
    const src = await sourcesFor(sample('healthy', 'access.log'));
    const { server, base } = await start(src, null, 'https://grafana.example.net');
    try {
      const res = await fetch(`${base}/api/diagnosis`);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://grafana.example.net');
    } finally {
      await close(server);
    }
  });
});

describe('log text in the page', () => {
  it('comes back escaped: a <script> in the request line is shown, not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-xss-'));
    const line = (i: number, status: number, uri: string) =>
      `10.0.0.1 - - [20/Nov/2026:10:00:${String(i).padStart(2, '0')} +0000] "GET ${uri} HTTP/1.1" ${status} 0 "-" "-" rt=0.001 msec=${1795168800 + i}.000 upstream_addr="10.9.9.9:80" upstream_status="${status}" upstream_connect_time="-" upstream_header_time="-" upstream_response_time="0.000" upstream_bytes_received="0"`;
    const lines = Array.from({ length: 20 }, (_, i) => line(i, 502, '/<script>alert(1)</script>'));
    writeFileSync(join(dir, 'access.log'), lines.join('\n') + '\n');
    const { UPSTREAM_DOCTOR_FORMAT } = await import('../parse/access/namedFormats');
    const src = await analyzeFiles({ access: [join(dir, 'access.log')], logFormat: UPSTREAM_DOCTOR_FORMAT });
    const { server, base } = await start(src, null);
    try {
      const html = await (await fetch(`${base}/`)).text();
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>alert(1)');
      const d = await (await fetch(`${base}/api/diagnosis`)).json();
      expect(d.examples.requests[0].request).toContain('<script>'); // JSON carries it as data
      expect(d.examples.requests[0]).toEqual(expect.objectContaining({ upstream: '10.9.9.9:80', status: 502, time: expect.any(Number) }));
    } finally {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the built page folder without letting a path escape it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-page-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title><script>go()</script>');
    writeFileSync(join(dir, 'assets', 'page.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'ud-secret.txt'), 'secret');
    const src = await sourcesFor(sample('healthy', 'access.log'));
    const { server, base } = await start(src, dir);
    try {
      const page = await fetch(`${base}/`);
      const html = await page.text();
      expect(html).toContain('<title>page</title>');
      expect(page.headers.get('content-security-policy')).toBe(documentPolicy(html));
      const js = await fetch(`${base}/assets/page.js`);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(js.headers.get('content-security-policy')).toBe(NOTHING_POLICY);
      expect((await fetch(`${base}/..%2fud-secret.txt`)).status).toBe(404);
      expect((await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    } finally {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
