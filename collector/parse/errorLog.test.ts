import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parseErrorLine, upstreamAddrOf } from './errorLog';
import type { ErrorEvent } from './types';

const T = '2024/01/15 10:23:45';
const F = ', client: 10.1.2.3, server: example.com, request: "GET /api HTTP/1.1"';
const up = (url: string): string => `${F}, upstream: "${url}", host: "example.com"`;

describe('parseErrorLine', () => {
  it('fills every field of the typical upstream reset', () => {
    const line =
      `${T} [error] 1234#1234: *5678 recv() failed (104: Connection reset by peer) while reading response header from upstream` +
      up('http://10.0.0.5:8080/api');
    const e = parseErrorLine(line, 60);
    expect(e).toEqual<ErrorEvent>({
      time: Date.UTC(2024, 0, 15, 9, 23, 45),
      level: 'error',
      pid: 1234,
      connection: 5678,
      syscall: 'recv',
      errno: 104,
      cls: 'reset_by_peer',
      phase: 'reading_response_header',
      side: 'upstream',
      client: '10.1.2.3',
      server: 'example.com',
      request: 'GET /api HTTP/1.1',
      upstream: 'http://10.0.0.5:8080/api',
      upstreamAddr: '10.0.0.5:8080',
      host: 'example.com',
      message: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
    });
  });

  it('reads the time as local when no offset is given, and applies an offset when one is', () => {
    const line = `${T} [error] 1#1: *1 no live upstreams while connecting to upstream${up('http://b/x')}`;
    expect(parseErrorLine(line)!.time).toBe(new Date(2024, 0, 15, 10, 23, 45).getTime());
    expect(parseErrorLine(line, 0)!.time).toBe(Date.UTC(2024, 0, 15, 10, 23, 45));
    expect(parseErrorLine(line, -300)!.time).toBe(Date.UTC(2024, 0, 15, 15, 23, 45));
  });

  type Row = [string, Partial<ErrorEvent>];
  const rows: Row[] = [
    // errno 104 on either side
    ['recv() failed (104: Connection reset by peer) while reading response header from upstream' + up('http://10.0.0.5:8080/api'), { cls: 'reset_by_peer', phase: 'reading_response_header', side: 'upstream', syscall: 'recv', errno: 104 }],
    ['readv() failed (104: Connection reset by peer) while reading upstream' + up('http://10.0.0.5:8080/api'), { cls: 'reset_by_peer', phase: 'reading_upstream', side: 'upstream', syscall: 'readv' }],
    ['recv() failed (104: Connection reset by peer) while reading client request body' + F, { cls: 'reset_by_peer', phase: 'reading_client_body', side: 'client' }],
    ['writev() failed (104: Connection reset by peer) while sending to client' + up('http://10.0.0.5:8080/api'), { cls: 'reset_by_peer', phase: 'sending_to_client', side: 'client', syscall: 'writev' }],
    ['writev() failed (104: Connection reset by peer) while sending request to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'reset_by_peer', phase: 'sending_request', side: 'upstream' }],
    // errno 32
    ['writev() failed (32: Broken pipe) while sending request to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'broken_pipe', phase: 'sending_request', side: 'upstream', syscall: 'writev', errno: 32 }],
    ['sendfile() failed (32: Broken pipe) while sending request to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'broken_pipe', phase: 'sending_request', side: 'upstream', syscall: 'sendfile' }],
    ['send() failed (32: Broken pipe) while sending request to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'broken_pipe', side: 'upstream', syscall: 'send' }],
    ['writev() failed (32: Broken pipe) while sending to client' + up('http://10.0.0.5:8080/api'), { cls: 'broken_pipe', phase: 'sending_to_client', side: 'client' }],
    // timeouts
    ['upstream timed out (110: Connection timed out) while reading response header from upstream' + up('http://10.0.0.5:8080/api'), { cls: 'timed_out', phase: 'reading_response_header', side: 'upstream', syscall: '', errno: 110 }],
    ['upstream timed out (110: Connection timed out) while reading upstream' + up('http://10.0.0.5:8080/api'), { cls: 'timed_out', phase: 'reading_upstream', side: 'upstream' }],
    ['upstream timed out (110: Connection timed out) while connecting to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'timed_out', phase: 'connecting', side: 'upstream' }],
    ['connect() failed (110: Connection timed out) while connecting to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'timed_out', phase: 'connecting', side: 'upstream', syscall: 'connect' }],
    ['client timed out (110: Connection timed out) while reading client request headers' + F, { cls: 'client_timed_out', phase: 'reading_client_headers', side: 'client', errno: 110 }],
    ['client timed out (110: Connection timed out) while reading client request body' + F, { cls: 'client_timed_out', phase: 'reading_client_body', side: 'client' }],
    // refused, unreachable, no live upstreams
    ['connect() failed (111: Connection refused) while connecting to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'refused', phase: 'connecting', side: 'upstream', syscall: 'connect', errno: 111 }],
    ['connect() failed (113: No route to host) while connecting to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'unreachable', phase: 'connecting', side: 'upstream', errno: 113 }],
    ['connect() failed (101: Network is unreachable) while connecting to upstream' + up('http://[2001:db8::5]:8080/api'), { cls: 'unreachable', upstreamAddr: '[2001:db8::5]:8080' }],
    ['connect() to unix:/run/app.sock failed (2: No such file or directory) while connecting to upstream' + up('http://unix:/run/app.sock:/api'), { cls: 'refused', side: 'upstream', syscall: 'connect', errno: 2, upstreamAddr: 'unix:/run/app.sock' }],
    ['no live upstreams while connecting to upstream' + up('http://backend/api'), { cls: 'no_live_upstreams', phase: 'connecting', side: 'upstream', errno: NaN, upstreamAddr: 'backend' }],
    // premature close
    ['upstream prematurely closed connection while reading response header from upstream' + up('http://10.0.0.5:8080/api'), { cls: 'prematurely_closed', phase: 'reading_response_header', side: 'upstream' }],
    ['upstream prematurely closed connection while reading upstream' + up('http://[::1]:8080/api'), { cls: 'prematurely_closed', phase: 'reading_upstream', side: 'upstream', upstreamAddr: '[::1]:8080' }],
    // the client went away
    ['client prematurely closed connection while reading client request body' + F, { cls: 'client_closed', phase: 'reading_client_body', side: 'client' }],
    ['client prematurely closed connection (104: Connection reset by peer) while sending to client' + up('http://10.0.0.5:8080/api'), { cls: 'client_closed', phase: 'sending_to_client', side: 'client', errno: 104 }],
    ['epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream' + up('http://10.0.0.5:8080/api'), { cls: 'client_closed', phase: 'sending_request', side: 'client', syscall: 'epoll_wait' }],
    ['client closed connection while waiting for request, client: 10.1.2.3, server: 0.0.0.0:443', { cls: 'client_closed', phase: 'keepalive', side: 'client', request: '' }],
    ['client 10.1.2.3 closed keepalive connection', { cls: 'client_closed', phase: 'keepalive', side: 'client', client: '' }],
    // other upstream trouble
    ['upstream sent too big header while reading response header from upstream' + up('http://10.0.0.5:8080/api'), { cls: 'other', phase: 'reading_response_header', side: 'upstream' }],
    ['upstream sent invalid header while reading response header from upstream' + up('http://10.0.0.5:8080/api'), { cls: 'other', side: 'upstream' }],
    // TLS
    ['SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream' + up('https://10.0.0.5:8443/api'), { cls: 'other', phase: 'ssl_handshake', side: 'upstream', syscall: 'SSL_do_handshake', errno: NaN, upstreamAddr: '10.0.0.5:8443' }],
    ['SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 10.1.2.3, server: 0.0.0.0:443', { cls: 'other', phase: 'ssl_handshake', side: 'client' }],
    ['SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading upstream' + up('https://10.0.0.5:8443/api'), { cls: 'other', phase: 'reading_upstream', side: 'upstream', syscall: 'SSL_read' }],
    // other subsystems: a fastcgi upstream and a static file
    ['recv() failed (104: Connection reset by peer) while reading response header from upstream' + up('fastcgi://unix:/run/php/php8.2-fpm.sock:'), { cls: 'reset_by_peer', upstreamAddr: 'unix:/run/php/php8.2-fpm.sock' }],
    ['open() "/var/www/html/favicon.ico" failed (2: No such file or directory)' + F, { cls: 'other', phase: 'other', side: 'other', syscall: 'open', errno: 2 }],
  ];

  it.each(rows)('%s', (msg, expected) => {
    const e = parseErrorLine(`${T} [error] 77#77: *9 ${msg}`, 0);
    expect(e).not.toBeNull();
    expect(e).toMatchObject(expected);
    expect(e!.message).toBe(msg.split(', client: ')[0]);
  });

  it('handles quotes inside the request and unknown extra fields', () => {
    const e = parseErrorLine(
      `${T} [error] 1#1: *2 upstream timed out (110: Connection timed out) while reading upstream, client: 10.1.2.3, server: a, ` +
        'request: "GET /q?x="a", b" HTTP/1.1", subrequest: "/auth", upstream: "http://10.0.0.1:80/q", host: "a", referrer: "http://r/"',
      0,
    )!;
    expect(e.request).toBe('GET /q?x="a", b" HTTP/1.1');
    expect(e.upstream).toBe('http://10.0.0.1:80/q');
    expect(e.host).toBe('a');
  });

  it('keeps a message that itself contains ", client: " text', () => {
    const e = parseErrorLine(`${T} [error] 1#1: *2 open() "/srv/a, client: b c" failed (2: No such file or directory)${F}`, 0)!;
    expect(e.message).toBe('open() "/srv/a, client: b c" failed (2: No such file or directory)');
    expect(e.client).toBe('10.1.2.3');
  });

  it('returns events without a connection for process notices', () => {
    expect(parseErrorLine(`${T} [notice] 1#1: using the "epoll" event method`, 0)).toMatchObject({
      level: 'notice',
      pid: 1,
      connection: NaN,
      cls: 'other',
      phase: 'other',
      side: 'other',
      message: 'using the "epoll" event method',
      client: '',
      upstreamAddr: '',
    });
    expect(parseErrorLine(`${T} [alert] 9#9: 1024 worker_connections are not enough`, 0)).toMatchObject({ level: 'alert', cls: 'other' });
  });

  it.each([
    '',
    'garbage',
    '    while reading response header from upstream',
    'nginx: [emerg] unknown directive "foo" in /etc/nginx/nginx.conf:3',
    '2024/01/15 10:23:45 [bogus] 1#1: x',
    '2024/13/15 10:23:45 [error] 1#1: x',
    '2024/01/15 25:23:45 [error] 1#1: x',
    '2024/01/15 10:23:45 [error] x#1: y',
    'Jan 15 10:23:45 web1 nginx[123]: 2024/01/15 10:23:45 [error] 1#1: x',
    '10.1.2.3 - - [15/Jan/2024:10:23:45 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.0"',
  ])('returns null for %j', (line) => {
    expect(parseErrorLine(line)).toBeNull();
  });

  it('never throws on random input, and keeps its invariants on near-valid lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseErrorLine(s);
      }),
      { numRuns: 3000 },
    );
    const tail = fc.array(
      fc.constantFrom('*', '12 ', ', client: ', ', server: ', 'request: ', '"', ' while ', '(104: ', 'upstream: ', 'http://', ', ', ':', 'x', ' ', '[', ']'),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(tail, (parts) => {
        const e = parseErrorLine(`${T} [error] 1#1: ${parts.join('')}`, 0);
        expect(e).not.toBeNull();
        expect(e!.time).toBe(Date.UTC(2024, 0, 15, 10, 23, 45));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a 1 MB line in linear time', () => {
    const filler = 'a", b, client: x y, "q" while '.repeat(35_000);
    const line = `${T} [error] 1#1: *1 recv() failed (104: Connection reset by peer) while reading upstream ${filler}${up('http://10.0.0.5:8080/')}`;
    expect(line.length).toBeGreaterThan(1_000_000);
    const t0 = process.hrtime.bigint();
    const e = parseErrorLine(line, 0)!;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(e.upstreamAddr).toBe('10.0.0.5:8080');
    expect(e.cls).toBe('reset_by_peer');
    expect(ms).toBeLessThan(200);
  });
});

describe('lines captured from nginx 1.22 (testdata/nginx-1.22-error.log)', () => {
  const lines = fs.readFileSync(path.join(__dirname, 'testdata', 'nginx-1.22-error.log'), 'utf8').trimEnd().split('\n');
  const events = lines.map((l) => parseErrorLine(l, 0));

  it('parses every line', () => {
    expect(events.every((e) => e !== null)).toBe(true);
  });

  it('classifies them', () => {
    const summary = events
      .filter((e) => e!.connection > 0)
      .map((e) => `${e!.level} *${e!.connection} ${e!.cls} ${e!.phase} ${e!.side} ${e!.upstreamAddr || '-'}`);
    expect(summary).toEqual([
      'error *1 refused connecting upstream 127.0.0.1:44031',
      'info *1 client_closed keepalive client -',
      'error *3 reset_by_peer reading_response_header upstream 127.0.0.1:46017',
      'error *5 prematurely_closed reading_response_header upstream 127.0.0.1:42541',
      'error *7 prematurely_closed reading_upstream upstream 127.0.0.1:39887',
      'error *9 reset_by_peer reading_upstream upstream 127.0.0.1:41529',
      'error *11 timed_out reading_response_header upstream 127.0.0.1:35471',
      'error *13 other reading_response_header upstream 127.0.0.1:41949',
      'warn *15 other connecting upstream 127.0.0.1:44031',
      'error *18 no_live_upstreams connecting upstream dead_pool',
      'error *20 other ssl_handshake upstream 127.0.0.1:42541',
      'crit *22 refused connecting upstream unix:/tmp/errcap/missing.sock',
      'info *24 client_closed sending_request client 127.0.0.1:35471',
      'error *26 other other client -',
      'info *27 client_timed_out reading_client_headers client -',
      'info *29 reset_by_peer other client -',
      'error *1 timed_out reading_upstream upstream 127.0.0.1:39367',
      'warn *7 other other other -',
      'info *9 client_closed reading_upstream client 127.0.0.1:39071',
      'error *9 reset_by_peer sending_request upstream 127.0.0.1:39367',
      'warn *13 other reading_upstream upstream 127.0.0.1:39071',
      'info *13 client_closed sending_to_client client 127.0.0.1:39071',
      'info *17 client_closed sending_to_client client -',
    ]);
  });
});

describe('upstreamAddrOf', () => {
  it.each([
    ['http://10.0.0.5:8080/api', '10.0.0.5:8080'],
    ['http://10.0.0.5:8080', '10.0.0.5:8080'],
    ['https://[::1]:8443/x', '[::1]:8443'],
    ['http://unix:/run/app.sock:/api', 'unix:/run/app.sock'],
    ['http://backend/api', 'backend'],
    ['grpc://10.0.0.9:50051', '10.0.0.9:50051'],
    ['not a url', ''],
    ['http://[::1', ''],
  ])('%j → %j', (url, addr) => {
    expect(upstreamAddrOf(url)).toBe(addr);
  });
});
