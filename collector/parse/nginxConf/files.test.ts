import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isNginxDump, loadNginxFile, loadNginxText, splitNginxDump } from './files';
import { Directive } from './tokens';
import { configErrorOf } from './testdata/configError';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ud-conf-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

/** Directive names depth-first, blocks in brackets: enough to see where includes landed. */
const shape = (ds: Directive[]): string =>
  ds.map((d) => (d.block ? `${d.name}[${shape(d.block)}]` : `${d.name}${d.args.length ? `(${d.args.join(',')})` : ''}`)).join(' ');

const errorOf = configErrorOf;

describe('includes on disk', () => {
  it('splices globbed files in sorted order, in the block that included them', () => {
    write('conf.d/b.conf', 'server { listen 2; }');
    write('conf.d/a.conf', 'server { listen 1; }');
    write('conf.d/ignored.txt', 'garbage {');
    write('conf.d/.hidden.conf', 'garbage {');
    const main = write('nginx.conf', 'events {}\nhttp {\n include conf.d/*.conf;\n include none/*.conf;\n}\n');
    expect(shape(loadNginxFile(main))).toBe('events[] http[server[listen(1)] server[listen(2)]]');
  });

  it('resolves relative includes against the main file directory, as nginx does', () => {
    write('snippets/proxy.conf', 'proxy_read_timeout 5s;');
    write('sites/app.conf', 'server { include snippets/proxy.conf; }');
    const main = write('nginx.conf', 'http { include sites/app.conf; }');
    expect(shape(loadNginxFile(main))).toBe('http[server[proxy_read_timeout(5s)]]');
  });

  it("falls back to the including file's directory for a site file read on its own", () => {
    write('sites/local.inc', 'listen 81;');
    const site = write('sites/app.conf', 'server { include local.inc; }');
    expect(shape(loadNginxFile(site))).toBe('server[listen(81)]');
  });

  it('supports character classes and absolute patterns', () => {
    write('m/x1.conf', 'a;');
    write('m/x2.conf', 'b;');
    write('m/x3.conf', 'c;');
    const main = write('nginx.conf', `include ${dir}/m/x[!2].conf;\ninclude ${dir}/m/x?.conf;`);
    expect(shape(loadNginxFile(main))).toBe('a c a b c');
  });

  it('names a missing include, with the including file and line', () => {
    const main = write('nginx.conf', 'events {}\nhttp {\n    include missing.conf;\n}\n');
    const e = errorOf(() => loadNginxFile(main));
    expect(e.message).toBe(`${main}:3: included file "missing.conf" not found (looked for ${dir}/missing.conf)`);
  });

  it('reports syntax errors in the included file, not the includer', () => {
    write('conf.d/bad.conf', 'server {\n  listen 80;\n');
    const main = write('nginx.conf', 'http { include conf.d/*.conf; }');
    expect(errorOf(() => loadNginxFile(main)).message).toBe(
      `${path.join(dir, 'conf.d/bad.conf')}:2: unexpected end of file, missing "}" (the "server" block from line 1 is still open)`,
    );
  });

  it('stops an include cycle', () => {
    write('a.conf', 'include b.conf;');
    write('b.conf', 'include a.conf;');
    const main = write('nginx.conf', 'include a.conf;');
    expect(errorOf(() => loadNginxFile(main)).message).toMatch(/includes itself/);
  });

  it('gives one-line errors for a missing or unreadable main file', () => {
    expect(errorOf(() => loadNginxFile(path.join(dir, 'nope.conf'))).message).toBe(`${dir}/nope.conf: no such file`);
    expect(errorOf(() => loadNginxFile(dir)).message).toBe(`${dir}: is a directory, not a configuration file`);
  });

  it('resolves includes of plain text against the given directory', () => {
    write('inc.conf', 'worker_processes 2;');
    expect(shape(loadNginxText('include inc.conf;', dir))).toBe('worker_processes(2)');
  });
});

describe('nginx -T dumps', () => {
  const dump = [
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
    'nginx: configuration file /etc/nginx/nginx.conf test is successful',
    '# configuration file /etc/nginx/nginx.conf:',
    'http {',
    '    include /etc/nginx/conf.d/*.conf;',
    '    include sites-enabled/*;',
    '}',
    '',
    '# configuration file /etc/nginx/conf.d/up.conf:',
    'upstream u { server 10.0.0.1; }',
    '# configuration file /etc/nginx/sites-enabled/default:',
    'server { listen 80; }',
    '',
  ].join('\n');

  it('recognises a dump, with or without the status lines', () => {
    expect(isNginxDump(dump)).toBe(true);
    expect(isNginxDump(dump.split('\n').slice(2).join('\n'))).toBe(true);
    expect(isNginxDump('# configuration file for my site:\nhttp {}\n')).toBe(false);
    expect(isNginxDump('http {}\n# configuration file /x:\n')).toBe(false);
  });

  it('splits it into files without the newline nginx appends', () => {
    const { main, files } = splitNginxDump(dump);
    expect(main).toBe('/etc/nginx/nginx.conf');
    expect([...files.keys()]).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/up.conf', '/etc/nginx/sites-enabled/default']);
    expect(files.get('/etc/nginx/conf.d/up.conf')).toBe('upstream u { server 10.0.0.1; }');
  });

  it('resolves includes among its own sections, never on disk', () => {
    expect(shape(loadNginxText(dump, '/nonexistent'))).toBe('http[upstream[server(10.0.0.1)] server[listen(80)]]');
  });

  it('reports errors with the path nginx printed', () => {
    const bad = dump.replace('server { listen 80; }', 'server { listen 80;');
    expect(errorOf(() => loadNginxText(bad, '/')).message).toBe(
      '/etc/nginx/sites-enabled/default:1: unexpected end of file, missing "}" (the "server" block from line 1 is still open)',
    );
  });

  it('drops status lines captured after the last file', () => {
    const { files } = splitNginxDump(`${dump}nginx: [warn] something\n`);
    expect(files.get('/etc/nginx/sites-enabled/default')).toBe('server { listen 80; }');
  });
});
