import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMBINED } from '../access/namedFormats';
import {
  accessLogFormat,
  NginxConfig,
  parseNginxConfigText,
  readNginxConfig,
  upstreamSettingsFor,
} from './config';
import type { UpstreamSettings } from '../types';
import { configErrorOf } from './testdata/configError';

const SITE = path.join(__dirname, 'testdata', 'nginx-site', 'nginx.conf');
const DUMP = path.join(__dirname, 'testdata', 'nginx-T.txt');
const NGINX = '/usr/sbin/nginx';

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ud-nginx-conf-'));
});
afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

const conf = (text: string): NginxConfig => parseNginxConfigText(text, scratch);

const errorOf = configErrorOf;

/** Whether nginx itself accepts an http-level snippet (so our verdicts are checked against it). */
function nginxAccepts(httpBody: string): boolean {
  fs.mkdirSync(path.join(scratch, 'logs'), { recursive: true });
  const file = path.join(scratch, 'check.conf');
  fs.writeFileSync(file, `pid logs/nginx.pid; error_log logs/error.log; events {}\nhttp {\n${httpBody}\n}\n`);
  try {
    execFileSync(NGINX, ['-t', '-q', '-c', file, '-p', `${scratch}/`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const haveNginx = fs.existsSync(NGINX);
const itWithNginx = haveNginx ? it : it.skip;

const settings = (over: Partial<UpstreamSettings>): UpstreamSettings => ({
  group: '',
  proxyReadTimeout: 60,
  proxyConnectTimeout: 60,
  proxySendTimeout: 60,
  proxyNextUpstream: ['error', 'timeout'],
  keepalive: 0,
  keepaliveTimeout: 60,
  keepaliveRequests: 1000,
  ...over,
});

describe('the multi-file site in testdata', () => {
  const c = readNginxConfig(SITE);

  it('reads log formats, joining adjacent strings and keeping ${var}', () => {
    expect([...c.logFormats.keys()]).toEqual(['combined', 'upstream_timing', 'json_lines']);
    expect(c.logFormats.get('upstream_timing')).toEqual({
      name: 'upstream_timing',
      escape: 'default',
      format:
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ' +
        '"$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" ' +
        'urt="$upstream_response_time" ua="${upstream_addr}" us="$upstream_status"',
    });
    expect(c.logFormats.get('json_lines')).toEqual({
      name: 'json_lines',
      escape: 'json',
      format:
        '{"time":"$time_iso8601","status":$status,"request":"$request",' +
        '"upstream_addr":"$upstream_addr","urt":"$upstream_response_time"}',
    });
  });

  it('lists access and error logs with where they are declared', () => {
    expect(c.accessLogs).toEqual([
      { path: 'logs/access.log', format: 'upstream_timing', context: 'http' },
      { path: 'logs/api.access.log', format: 'json_lines', context: 'http > server api.example.test' },
    ]);
    expect(c.errorLogs).toEqual([{ path: 'logs/error.log', level: 'warn' }]);
  });

  it('reads upstream groups with default ports and keepalive settings', () => {
    expect(c.upstreams.get('app_pool')).toMatchObject({
      name: 'app_pool',
      servers: ['127.0.0.1:8081', '127.0.0.1:8082', '[::1]:8083'],
      keepalive: 32,
      keepaliveTimeout: 75,
      keepaliveRequests: 500,
    });
    expect(c.upstreams.get('legacy')).toMatchObject({
      name: 'legacy',
      servers: ['unix:/run/legacy.sock'],
      keepalive: 0,
      keepaliveTimeout: 60,
      keepaliveRequests: 1000,
    });
  });

  it('inherits proxy settings http → server → location, wherever the directive sits in its block', () => {
    const pool = { group: 'app_pool', keepalive: 32, keepaliveTimeout: 75, keepaliveRequests: 500 };
    const api = { serverName: 'api.example.test', listen: '127.0.0.1:8080', target: '' };
    const admin = { serverName: 'admin.example.test', listen: '127.0.0.1:8090', group: '' };
    // sites-enabled/* sorts admin.conf before api.conf.
    expect(c.locations).toMatchObject([
      { ...admin, path: '/admin/', proxyPass: 'http://127.0.0.1:9100', target: '127.0.0.1:9100', settings: settings({ proxyReadTimeout: 90, proxyConnectTimeout: 5 }) },
      { ...admin, path: '~ \\.csv$', proxyPass: 'http://127.0.0.1:9100', target: '127.0.0.1:9100', settings: settings({ proxyReadTimeout: 600, proxyConnectTimeout: 5 }) },
      { ...admin, path: '/local/', proxyPass: 'http://localhost:9200/', target: 'localhost:9200', settings: settings({ proxyReadTimeout: 90, proxyConnectTimeout: 5 }) },
      {
        ...admin,
        path: '/local/ if ($request_method = POST)',
        proxyPass: 'http://127.0.0.1:9201',
        target: '127.0.0.1:9201',
        settings: settings({ proxyReadTimeout: 90, proxyConnectTimeout: 5 }),
      },
      { ...api, path: '/', proxyPass: 'http://app_pool', group: 'app_pool', settings: settings({ ...pool, proxyReadTimeout: 30, proxyConnectTimeout: 5, proxySendTimeout: 10 }) },
      {
        ...api,
        path: '/slow/',
        proxyPass: 'http://app_pool',
        group: 'app_pool',
        settings: settings({ ...pool, proxyReadTimeout: 150, proxyConnectTimeout: 5, proxySendTimeout: 10, proxyNextUpstream: ['error', 'timeout', 'http_502'] }),
      },
      { ...api, path: '= /legacy', proxyPass: 'http://legacy', group: 'legacy', settings: settings({ group: 'legacy', proxyReadTimeout: 30, proxyConnectTimeout: 5, proxySendTimeout: 10 }) },
    ]);
  });

  it('finds the settings for an $upstream_addr value', () => {
    const at = (addr: string) => upstreamSettingsFor(c, addr);
    // Two locations use app_pool with 30 s and 150 s read timeouts: the tighter one is reported.
    expect(at('127.0.0.1:8082')).toMatchObject({ group: 'app_pool', proxyReadTimeout: 30, keepalive: 32 });
    expect(at('[::1]:8083')).toMatchObject({ group: 'app_pool', proxyReadTimeout: 30 });
    expect(at('app_pool')).toMatchObject({ group: 'app_pool', proxyReadTimeout: 30 });
    expect(at('unix:/run/legacy.sock')).toMatchObject({ group: 'legacy', keepalive: 0 });
    expect(at('127.0.0.1:9100')).toMatchObject({ group: '', proxyReadTimeout: 90 });
    expect(at('127.0.0.1:9200')).toMatchObject({ group: '', proxyReadTimeout: 90 }); // localhost:9200
    expect(at('127.0.0.1:9201')).toMatchObject({ group: '', proxyReadTimeout: 90 });
    // Unknown address, locations disagree: the smallest proxy_read_timeout, first in config order on ties.
    expect(at('10.9.9.9:1234')).toEqual(c.locations.find((l) => l.path === '/')!.settings);
  });

  it('picks the access-log format by path, else the first access_log', () => {
    expect(accessLogFormat(c).name).toBe('upstream_timing');
    expect(accessLogFormat(c, '/var/log/nginx/api.access.log').name).toBe('json_lines');
    expect(accessLogFormat(c, 'logs/access.log').name).toBe('upstream_timing');
    expect(accessLogFormat(c, '/elsewhere/other.log').name).toBe('upstream_timing');
  });

  it('reads the captured `nginx -T` dump of the same site to the same model', () => {
    // The dump names the files where they lived when it was captured; lines and everything else agree.
    expect(model(readNginxConfig(DUMP))).toEqual(model(c));
    expect(model(parseNginxConfigText(fs.readFileSync(DUMP, 'utf8'), '/nonexistent'))).toEqual(model(c));
  });

  itWithNginx('reads a fresh `nginx -T` of the same site to the same model', () => {
    fs.mkdirSync(path.join(scratch, 'logs'));
    const out = execFileSync(NGINX, ['-T', '-c', SITE, '-p', `${scratch}/`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(parseNginxConfigText(out, '/nonexistent')).toEqual(c);
  });
});

describe('parseNginxConfigText', () => {
  it('has combined, nginx defaults, and null settings when nothing is proxied', () => {
    const c = conf('events {}\nhttp { server { listen 80; location / { root /srv; } } }');
    expect(c.logFormats.get('combined')).toEqual({ name: 'combined', format: COMBINED, escape: 'default' });
    expect(c.accessLogs).toEqual([]);
    expect(c.locations).toEqual([]);
    expect(upstreamSettingsFor(c, '127.0.0.1:80')).toBeNull();
    expect(accessLogFormat(c).name).toBe('combined');
  });

  it('fills nginx defaults for an unconfigured proxy and upstream', () => {
    const c = conf('http { upstream b { server backend; } server { location / { proxy_pass http://b; } } }');
    expect(c.upstreams.get('b')!.servers).toEqual(['backend:80']);
    expect(c.locations[0].settings).toEqual(settings({ group: 'b' }));
  });

  it('concatenates adjacent strings and bare words with nothing between them', () => {
    // Checked against nginx 1.22: `log_format t $status - "$request"` logs `200-GET / HTTP/1.1`.
    const c = conf(`http { log_format t $status - "$request" '[\${msec}]' "a\\"b"; access_log /x.log t; }`);
    expect(accessLogFormat(c)).toEqual({ name: 't', format: '$status-$request[${msec}]a"b', escape: 'default' });
  });

  it('reads escape=none and defaults the access_log format to combined', () => {
    const c = conf('http { log_format raw escape=none "$request_body"; access_log /a.log; access_log /b.log raw buffer=32k; access_log off; }');
    expect(c.logFormats.get('raw')!.escape).toBe('none');
    expect(c.accessLogs.map((a) => a.format)).toEqual(['combined', 'raw']);
  });

  it('treats a lone site file as the inside of http', () => {
    const c = conf('upstream app { server 10.0.0.7:3000; keepalive 8; keepalive_timeout 4s; }\nserver { server_name x; location / { proxy_pass http://app; } }');
    expect(upstreamSettingsFor(c, '10.0.0.7:3000')).toMatchObject({ group: 'app', keepalive: 8, keepaliveTimeout: 4 });
  });

  it('returns the shared settings for an unknown address when all locations agree', () => {
    const c = conf(
      'http { proxy_read_timeout 45s; upstream a { server 10.0.0.1; } upstream b { server 10.0.0.2; }\n' +
        'server { location /a { proxy_pass http://a; } location /b { proxy_pass http://b; } } }',
    );
    // Same values, different groups: the group is not known.
    expect(upstreamSettingsFor(c, '192.168.1.1:80')).toEqual(settings({ proxyReadTimeout: 45 }));
    expect(upstreamSettingsFor(c, '10.0.0.2:80')).toEqual(settings({ group: 'b', proxyReadTimeout: 45 }));
  });

  it('links resolved addresses to name-based servers by port', () => {
    const c = conf(
      'http { upstream api { server api.internal:9000; keepalive 4; } upstream web { server 10.0.0.9:80; }\n' +
        'server { location / { proxy_pass http://web; proxy_read_timeout 5s; } location /api { proxy_pass http://api; } } }',
    );
    expect(upstreamSettingsFor(c, '172.16.0.4:9000')).toMatchObject({ group: 'api', keepalive: 4, proxyReadTimeout: 60 });
  });

  it('gives a group reached only through variables the http-level values', () => {
    const c = conf(
      'http { proxy_connect_timeout 3s; upstream pool { server 10.0.0.3:8080; keepalive 2; }\n' +
        'server { set $p pool; location / { proxy_pass http://$p; } } }',
    );
    expect(c.locations[0]).toMatchObject({ group: '', target: '' });
    expect(upstreamSettingsFor(c, '10.0.0.3:8080')).toEqual(settings({ group: 'pool', proxyConnectTimeout: 3, keepalive: 2 }));
  });

  it('skips stream blocks, whose proxy_pass is TCP', () => {
    const c = conf('stream { upstream s { server 10.0.0.1:5432; } server { listen 5432; proxy_pass s; } }\nhttp { }');
    expect(c.upstreams.size).toBe(0);
    expect(c.locations).toEqual([]);
  });

  describe('rejects what nginx rejects, naming file and line', () => {
    const cases: [string, string, RegExp][] = [
      ['unbalanced brace', 'server {\n  location / {\n    root /srv;\n  }\n', /nginx\.conf:7: unexpected end of file, missing "}" \(the "http" block from line 1 is still open\)/],
      ['stray brace', 'server { }\n}', /nginx\.conf:4: unexpected "}" \(no block is open\)/],
      ['unterminated quote', 'log_format x \'$status\n;\n', /nginx\.conf:2: quoted string is never closed \(missing '\)/],
      ['invalid time', 'server { location / { proxy_pass http://a; proxy_read_timeout 1.5s; } }', /nginx\.conf:2: "proxy_read_timeout" has an invalid time "1\.5s"/],
      ['unknown format', 'access_log /x.log nope;', /nginx\.conf:2: access_log names an unknown log_format "nope"/],
      ['duplicate format', 'log_format combined "$status";', /nginx\.conf:2: log_format "combined" is defined twice/],
      ['bad keepalive', 'upstream u { server 10.0.0.1; keepalive lots; }', /nginx\.conf:2: "keepalive" takes one whole number/],
      ['bad error_log level', 'error_log /x.log loud;', /nginx\.conf:2: error_log has an unknown level "loud"/],
      ['missing include', 'include /nonexistent/ud-missing.conf;', /nginx\.conf:2: included file "\/nonexistent\/ud-missing\.conf" not found/],
    ];
    it.each(cases)('%s', (_name, body, message) => {
      const e = errorOf(() => conf(`http {\n${body}\n}\n`));
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      if (haveNginx) expect(nginxAccepts(body)).toBe(false);
    });

    itWithNginx('while nginx accepts the valid neighbours of those cases', () => {
      for (const ok of ['server { }', "log_format x '$status';", 'proxy_read_timeout 1m30;', 'access_log /x.log combined;', 'error_log /x.log notice;']) {
        expect(nginxAccepts(ok)).toBe(true);
        expect(() => conf(`http { ${ok} }`)).not.toThrow();
      }
    });
  });

  it('throws a clean error for an unreadable file', () => {
    expect(errorOf(() => readNginxConfig(path.join(scratch, 'absent.conf'))).message).toBe(`${scratch}/absent.conf: no such file`);
  });
});

/** A config without the file names of its directive places, for comparing a dump with the files. */
function model(conf: unknown): unknown {
  return JSON.parse(JSON.stringify(conf, (k, v: unknown) => (k === 'file' ? undefined : v instanceof Map ? Object.fromEntries(v) : v)));
}
