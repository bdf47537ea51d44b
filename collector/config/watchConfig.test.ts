import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, buildConfig, listen, loadConfigFile } from './watchConfig';
import { formatDurationMs, parseDurationMs } from './duration';

const dir = mkdtempSync(join(tmpdir(), 'ud-config-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('watch config', () => {
  it('reads a full YAML file with paths relative to it', () => {
    const file = write(
      'ud.yaml',
      [
        'access: [logs/access.log, "logs/*.access.log"]',
        'error: logs/error.log',
        'nginx_conf: /etc/nginx/nginx.conf',
        'stub_status: http://127.0.0.1/nginx_status',
        'listen: 127.0.0.1:9900',
        'window: 30s',
        'retention: 6h',
        'labels: {host: web1, cluster: eu-1}',
        'max_upstreams: 200',
        'start_at: beginning',
        'cors_origin: https://grafana.example.net/d/abc',
      ].join('\n'),
    );
    const cfg = buildConfig(loadConfigFile(file), {});
    expect(cfg.access).toEqual([join(dir, 'logs/access.log'), join(dir, 'logs/*.access.log')]);
    expect(cfg.error).toEqual([join(dir, 'logs/error.log')]);
    expect(cfg.nginxConf).toBe('/etc/nginx/nginx.conf');
    expect(cfg.listenPort).toBe(9900);
    expect(cfg.windowMs).toBe(30_000);
    expect(cfg.retentionMs).toBe(6 * 3_600_000);
    expect(cfg.labels).toEqual({ host: 'web1', cluster: 'eu-1' });
    expect(cfg.startAt).toBe('beginning');
    expect(cfg.corsOrigin).toBe('https://grafana.example.net');
  });

  it('lets flags override the file and defaults to loopback', () => {
    const cfg = buildConfig({ access: ['/a.log'], window: '20s' }, { window: '5s' });
    expect(cfg.windowMs).toBe(5000);
    expect(cfg.listenHost).toBe(DEFAULTS.listenHost);
    expect(cfg.listenHost).toBe('127.0.0.1');
  });

  it.each([
    [{ access: ['/a'], windw: '5s' }, /unknown setting "windw"/],
    [{ access: ['/a'], window: 'soon' }, /window: expected a duration/],
    [{ access: ['/a'], window: '1e300' }, /window: expected a duration like 10s/],
    [{ access: ['/a'], window: 'Infinity' }, /window: expected a duration like 10s/],
    [{ access: ['/a'], window: 1e300 }, /window: expected a duration from 1s to 1h/],
    [{ access: ['/a'], window: '0' }, /window: expected a duration from 1s to 1h/],
    [{ access: ['/a'], retention: '30d' }, /retention: expected a duration from 1m to 7d/],
    [{ access: ['/a'], window: '1s', retention: '7d' }, /at most 20000 windows/],
    [{ access: ['/a'], window: '1h', retention: '2m' }, /retention: must be at least one window long/],
    [{ access: ['/a'], max_upstreams: 0 }, /max_upstreams: expected a whole number/],
    [{ access: ['/a'], stub_status: 'ftp://x' }, /stub_status: expected an http/],
    [{ access: ['/a'], labels: { upstream: 'x' } }, /uses this label itself/],
    [{ access: ['/a'], labels: { 'bad-name': 'x' } }, /not a valid Prometheus label name/],
    [{ access: ['/a'], listen: 'localhost' }, /listen: expected HOST:PORT/],
    [{ access: ['/a'], start_at: 'middle' }, /start_at: expected one of/],
    [{}, /no access log to watch/],
  ])('rejects %j with a message naming the key', (raw, pattern) => {
    expect(() => buildConfig(raw, {})).toThrow(ConfigError);
    expect(() => buildConfig(raw, {})).toThrow(pattern);
  });

  it('explains unreadable and malformed files in one line', () => {
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config .*ENOENT/);
    expect(() => loadConfigFile(write('bad.yaml', 'access: [unclosed'))).toThrow(/not valid YAML/);
    expect(() => loadConfigFile(write('list.yaml', '- a\n- b'))).toThrow(/expected a mapping/);
  });

  it('parses listen addresses and durations', () => {
    expect(listen('[::1]:9797')).toEqual({ listenHost: '::1', listenPort: 9797 });
    expect(listen(':9797')).toEqual({ listenHost: '127.0.0.1', listenPort: 9797 });
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs(2)).toBe(2000);
    expect(parseDurationMs('2x')).toBeNaN();
    expect(parseDurationMs(Infinity)).toBeNaN();
    expect(formatDurationMs(7_200_000)).toBe('2h');
    expect(formatDurationMs(90_000)).toBe('90s');
    expect(formatDurationMs(250)).toBe('250ms');
  });
});
