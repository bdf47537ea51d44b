// The one ingest path: formats chosen per file (rotated names included), the UTC offset learnt from the
// access log for the error log, and the one count of lines and parse errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aggregator } from '../aggregate/aggregator';
import { readNginxConfig } from '../parse/nginxConf/config';
import { Ingest } from './ingest';

const dir = mkdtempSync(join(tmpdir(), 'ud-ingest-'));
const conf = join(dir, 'nginx.conf');
writeFileSync(
  conf,
  `events {}
http {
  log_format short '$remote_addr [$time_local] "$request" $status $upstream_addr';
  log_format timed '$msec $status "$request" $upstream_addr $upstream_response_time';
  upstream app { server 10.0.0.5:8080; }
  server {
    listen 127.0.0.1:8080;
    access_log /var/log/nginx/site.log short;
    location /api { proxy_pass http://app; access_log /var/log/nginx/api.log timed; }
  }
}
`,
);

const SHORT = '10.1.1.1 [20/Nov/2026:10:00:00 +0100] "GET /a HTTP/1.1" 200 10.0.0.5:8080';
const TIMED = '1795165200.250 502 "GET /api HTTP/1.1" 10.0.0.5:8080 0.003';

describe('Ingest', () => {
  it('reads each access log in the format its access_log names, after rotation too', () => {
    const ingest = new Ingest({ agg: new Aggregator(), conf: readNginxConfig(conf) });
    expect(ingest.access(SHORT, '/var/log/nginx/site.log')).toBe(true);
    expect(ingest.access(TIMED, '/var/log/nginx/api.log')).toBe(true);
    expect(ingest.access(TIMED, '/var/log/nginx/api.log.1')).toBe(true);
    expect(ingest.access(TIMED, '/srv/copy/api.log-20261120.gz')).toBe(true);
    expect(ingest.access(TIMED, '/var/log/nginx/site.log')).toBe(false);
    expect(ingest.counts.lines.access).toBe(5);
    expect(ingest.counts.parseErrors.access).toBe(1);
    expect(ingest.agg.range().byUpstream.get('10.0.0.5:8080')!.requests).toBe(4);
  });

  it('reads error-log local times in the zone the access log carries', () => {
    const ingest = new Ingest({ agg: new Aggregator(), conf: readNginxConfig(conf) });
    ingest.access(SHORT, '/var/log/nginx/site.log');
    expect(ingest.tzOffsetMin).toBe(60);
    ingest.error('2026/11/20 10:00:01 [error] 7#7: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.1.1, server: x, request: "GET /a HTTP/1.1", upstream: "http://10.0.0.5:8080/a", host: "x"');
    expect(ingest.newest.error).toBe(Date.UTC(2026, 10, 20, 9, 0, 1));
    expect(ingest.error('garbage')).toBe(false);
    expect(ingest.counts).toEqual({ lines: { access: 1, error: 2, kernel: 0 }, parseErrors: { access: 0, error: 1, kernel: 0, too_long: 0 } });
  });

  it('uses --log-format for every file when given, and the built-in formats when nothing names one', () => {
    const given = new Ingest({ agg: new Aggregator(), conf: readNginxConfig(conf), logFormat: '$msec $status "$request" $upstream_addr $upstream_response_time' });
    expect(given.access(TIMED, '/var/log/nginx/site.log')).toBe(true);
    const auto = new Ingest({ agg: new Aggregator() });
    expect(auto.formatFor('/x/access.log')).toBeNull();
    expect(auto.access('10.1.1.1 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"', '/x/access.log')).toBe(true);
  });
});
