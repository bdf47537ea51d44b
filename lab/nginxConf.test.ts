import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UPSTREAM_DOCTOR_FORMAT } from '../collector/parse/access/namedFormats';
import { NGINX_BIN } from './nginx';
import { NginxConfError, nginxTime, quoteNginx, renderNginxConf, type NginxConfSpec } from './nginxConf';

const spec: NginxConfSpec = {
  port: 8081,
  runAsRoot: false,
  groups: [
    { name: 'app', servers: ['127.0.0.1:9001'], keepalive: 8, keepaliveTimeoutS: 60 },
    { name: 'dead', servers: ['127.0.0.1:9002 max_fails=1 fail_timeout=1s', '127.0.0.1:9003'] },
  ],
  locations: [
    { path: '/', group: 'app', proxyReadTimeoutS: 1, proxyConnectTimeoutS: 0.5, proxyNextUpstream: 'error timeout' },
    { path: '/dead/', group: 'dead' },
  ],
};

describe('quoteNginx', () => {
  test('escapes backslashes and single quotes only', () => {
    expect(quoteNginx(`a "b" $c`)).toBe(`'a "b" $c'`);
    expect(quoteNginx(`it's \\n`)).toBe(`'it\\'s \\\\n'`);
  });
});

describe('nginxTime', () => {
  test('whole seconds as s, fractions as ms', () => {
    expect(nginxTime(60)).toBe('60s');
    expect(nginxTime(0.5)).toBe('500ms');
    expect(() => nginxTime(-1)).toThrow(NginxConfError);
  });
});

describe('renderNginxConf', () => {
  const conf = renderNginxConf(spec);

  test('carries the upstream_doctor format verbatim and uses it for the access log', () => {
    expect(conf).toContain(`log_format upstream_doctor '${UPSTREAM_DOCTOR_FORMAT}';`);
    expect(conf).toContain('access_log access.log upstream_doctor;');
    expect(conf).toContain('error_log error.log info;');
  });

  test('writes pooling, keepalive and timeouts where asked, and nothing run-specific but ports', () => {
    expect(conf).toMatch(/upstream app \{\n\s+server 127\.0\.0\.1:9001;\n\s+keepalive 8;\n\s+keepalive_timeout 60s;/);
    expect(conf).toContain('proxy_read_timeout 1s;');
    expect(conf).toContain('proxy_connect_timeout 500ms;');
    expect(conf).toContain('proxy_next_upstream error timeout;');
    expect(conf.match(/proxy_http_version 1\.1;/g)).toHaveLength(1);
    expect(conf).not.toContain('user root;');
    expect(conf).not.toMatch(/\/tmp\//);
  });

  test('rejects unknown groups and bad names', () => {
    expect(() => renderNginxConf({ ...spec, locations: [{ path: '/', group: 'nope' }] })).toThrow(NginxConfError);
    expect(() => renderNginxConf({ ...spec, groups: [{ name: 'a b', servers: ['x:1'] }], locations: [] })).toThrow(
      NginxConfError,
    );
    expect(() => renderNginxConf({ ...spec, locations: [{ path: 'noslash', group: 'app' }] })).toThrow(NginxConfError);
  });

  test('real nginx accepts it (nginx -t)', () => {
    expect(fs.existsSync(NGINX_BIN)).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginxconf-test-'));
    try {
      for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
        fs.mkdirSync(path.join(dir, 'tmp', sub), { recursive: true });
      }
      const confPath = path.join(dir, 'nginx.conf');
      fs.writeFileSync(confPath, conf);
      const out = execFileSync(NGINX_BIN, ['-t', '-c', confPath, '-p', dir + '/', '-e', path.join(dir, 'error.log')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
