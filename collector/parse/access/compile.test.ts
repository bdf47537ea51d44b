import fc from 'fast-check';
import { compileAccessFormat } from './compile';
import { LogFormatError, splitFormat } from './formatSpec';
import { unescapeLogValue } from './unescape';
import { COMBINED, UPSTREAM_DOCTOR_FORMAT } from './namedFormats';
import type { AccessRecord, Attempt } from '../types';

// Lines written by nginx 1.22 (Debian) with UPSTREAM_DOCTOR_FORMAT, captured from a local run: a retry
// after a refused connection, a plain proxied request, a 502 from a dead peer, a static file, an
// error_page redirect to a second upstream request, and a request line with a raw `"` and UTF-8 bytes.
const REAL = {
  retry:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /retry HTTP/1.1" 200 16 "-" "Mozilla/5.0 \\x22quoted\\x22 \\x5Cback" rt=0.001 msec=1795217300.548 upstream_addr="127.0.0.1:37383, 127.0.0.1:35721" upstream_status="502, 200" upstream_connect_time="-, 0.000" upstream_header_time="-, 0.000" upstream_response_time="0.000, 0.000" upstream_bytes_received="0, 159"',
  plain:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /retry HTTP/1.1" 200 16 "-" "curl/7.88.1" rt=0.000 msec=1795217300.565 upstream_addr="127.0.0.1:35721" upstream_status="200" upstream_connect_time="0.000" upstream_header_time="0.001" upstream_response_time="0.001" upstream_bytes_received="159"',
  dead:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /dead HTTP/1.1" 502 157 "-" "curl/7.88.1" rt=0.000 msec=1795217300.580 upstream_addr="127.0.0.1:37383" upstream_status="502" upstream_connect_time="-" upstream_header_time="-" upstream_response_time="0.000" upstream_bytes_received="0"',
  static:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /static?q=%22x%22 HTTP/1.1" 200 7 "-" "curl/7.88.1" rt=0.000 msec=1795217300.597 upstream_addr="-" upstream_status="-" upstream_connect_time="-" upstream_header_time="-" upstream_response_time="-" upstream_bytes_received="-"',
  redirect:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /redir HTTP/1.1" 200 16 "-" "curl/7.88.1" rt=0.000 msec=1795217300.613 upstream_addr="127.0.0.1:35721 : 127.0.0.1:35721" upstream_status="404 : 200" upstream_connect_time="0.000 : 0.000" upstream_header_time="0.000 : 0.000" upstream_response_time="0.000 : 0.000" upstream_bytes_received="303 : 159"',
  rawQuote:
    '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /raw\\x22quote\\xC3\\xA9 HTTP/1.0" 404 153 "-" "-" rt=0.000 msec=1795217300.910 upstream_addr="-" upstream_status="-" upstream_connect_time="-" upstream_header_time="-" upstream_response_time="-" upstream_bytes_received="-"',
};

function attempt(a: Partial<Attempt>): Attempt {
  return { addr: '', status: 0, connect: NaN, header: NaN, response: NaN, bytesReceived: NaN, afterRedirect: false, ...a };
}

describe('compileAccessFormat with UPSTREAM_DOCTOR_FORMAT on real nginx lines', () => {
  const fmt = compileAccessFormat(UPSTREAM_DOCTOR_FORMAT);

  it('lists the variables in order', () => {
    expect(fmt.variables.slice(0, 4)).toEqual(['remote_addr', 'remote_user', 'time_local', 'request']);
    expect(fmt.variables).toHaveLength(16);
  });

  it('reads a retry as two attempts, time from $msec and the zone from $time_local', () => {
    const rec = fmt.parse(REAL.retry);
    expect(rec).toEqual<AccessRecord>({
      time: 1795217300548,
      tzOffsetMin: 0,
      status: 200,
      bytesSent: 16,
      requestTime: 0.001,
      request: 'GET /retry HTTP/1.1',
      client: expect.any(String),
      logged: expect.any(Number),
      attempts: [
        attempt({ addr: '127.0.0.1:37383', status: 502, response: 0, bytesReceived: 0 }),
        attempt({ addr: '127.0.0.1:35721', status: 200, connect: 0, header: 0, response: 0, bytesReceived: 159 }),
      ],
    });
  });

  it('reads a 502 from a dead peer', () => {
    const rec = fmt.parse(REAL.dead);
    expect(rec?.status).toBe(502);
    expect(rec?.bytesSent).toBe(157);
    expect(rec?.attempts).toEqual([attempt({ addr: '127.0.0.1:37383', status: 502, response: 0, bytesReceived: 0 })]);
  });

  it('gives a request nginx answered itself no attempts', () => {
    const rec = fmt.parse(REAL.static);
    expect(rec?.attempts).toEqual([]);
    expect(rec?.request).toBe('GET /static?q=%22x%22 HTTP/1.1');
  });

  it('marks the attempt after an internal redirect', () => {
    const rec = fmt.parse(REAL.redirect);
    expect(rec?.attempts.map((a) => [a.status, a.bytesReceived, a.afterRedirect])).toEqual([
      [404, 303, false],
      [200, 159, true],
    ]);
  });

  it("undoes nginx's \\xHH escaping in the request, UTF-8 included", () => {
    expect(fmt.parse(REAL.rawQuote)?.request).toBe('GET /raw"quoteé HTTP/1.0');
    expect(fmt.parse(REAL.plain)?.attempts[0]).toEqual(
      attempt({ addr: '127.0.0.1:35721', status: 200, connect: 0, header: 0.001, response: 0.001, bytesReceived: 159 }),
    );
  });

  it('falls back to $time_local for the time when $msec is absent', () => {
    const noMsec = compileAccessFormat(UPSTREAM_DOCTOR_FORMAT.replace(' msec=$msec', ''));
    const rec = noMsec.parse(REAL.plain.replace(' msec=1795217300.565', ''));
    expect(rec?.time).toBe(Date.UTC(2026, 10, 20, 23, 28, 20));
  });

  it.each([
    ['truncated in the middle', REAL.retry.slice(0, 150)],
    ['truncated inside the last value', REAL.retry.slice(0, -3)],
    ['missing the closing quote', REAL.retry.slice(0, -1)],
    ['with text appended', REAL.retry + ' extra'],
    ['a combined-only line', REAL.retry.slice(0, REAL.retry.indexOf(' rt='))],
    ['an invalid month', REAL.plain.replace('Nov', 'Nvv')],
    ['an invalid $msec', REAL.plain.replace('msec=1795217300.565', 'msec=17952x7300.565')],
    ['a two-digit status', REAL.plain.replace('" 200 16', '" 20 16')],
    ['a status that is not a number', REAL.plain.replace('" 200 16', '" abc 16')],
    ['an empty line', ''],
    ['garbage', 'GET / HTTP/1.1 200'],
  ])('returns null for %s', (_label, line) => {
    expect(fmt.parse(line)).toBeNull();
  });
});

describe('compileAccessFormat with combined', () => {
  const fmt = compileAccessFormat(COMBINED);

  it('reads the classic example line', () => {
    const rec = fmt.parse(
      '192.0.2.10 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
    expect(rec).toEqual<AccessRecord>({
      time: Date.UTC(2000, 9, 10, 20, 55, 36),
      tzOffsetMin: -420,
      status: 200,
      bytesSent: 2326,
      requestTime: NaN,
      request: 'GET /apache_pb.gif HTTP/1.0',
      client: expect.any(String),
      logged: expect.any(Number),
      attempts: [],
    });
  });

  it('reads IPv6 clients', () => {
    const rec = fmt.parse('2001:db8::7 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/2.0" 304 0 "-" "curl/8.5.0"');
    expect(rec?.status).toBe(304);
    expect(rec?.bytesSent).toBe(0);
  });

  it('reads an empty request line (nginx logs a 400 for a connection that sent nothing)', () => {
    const rec = fmt.parse('::1 - - [01/Jan/2024:00:00:00 +0000] "" 400 0 "-" "-"');
    expect(rec?.request).toBe('');
    expect(rec?.status).toBe(400);
  });

  it('reads nginx-escaped quotes in the request and the user agent', () => {
    const rec = fmt.parse(
      '10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET /q?a=\\x22b\\x22\\x5C HTTP/1.1" 200 1 "-" "Agent \\x22x\\x22 \\x5C"',
    );
    expect(rec?.request).toBe('GET /q?a="b"\\ HTTP/1.1');
  });

  it('reads quotes escaped as \\" by other producers, even where the rest of the literal follows', () => {
    const rec = fmt.parse(
      '10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET /q?a=\\" 200 1 \\"x HTTP/1.1" 502 1 "-" "Agent \\"x\\" \\\\"',
    );
    expect(rec?.request).toBe('GET /q?a=" 200 1 "x HTTP/1.1');
    expect(rec?.status).toBe(502);
  });

  it('reads a value ending in an escaped backslash', () => {
    const rec = fmt.parse('10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET /a\\\\" 200 1 "-" "-"');
    expect(rec?.request).toBe('GET /a\\');
  });

  it('reads a user name with spaces', () => {
    expect(fmt.parse('10.1.1.1 - John Smith [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"')?.status).toBe(200);
  });

  it('returns null for lines of another format', () => {
    expect(fmt.parse('2024/01/01 00:00:00 [error] 12#12: *1 connect() failed (111: Connection refused)')).toBeNull();
    expect(fmt.parse('10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200')).toBeNull();
  });
});

describe('compileAccessFormat with other formats', () => {
  it('reads ${var} and $var alike, including a name followed by letters', () => {
    const fmt = compileAccessFormat('${remote_addr} [$time_iso8601] ${status} rt=${request_time}s up=${upstream_addr}|$upstream_status');
    expect(fmt.variables).toEqual(['remote_addr', 'time_iso8601', 'status', 'request_time', 'upstream_addr', 'upstream_status']);
    const rec = fmt.parse('[::1] [2024-03-01T10:00:00+01:00] 504 rt=60.002s up=10.0.0.1:80|504');
    expect(rec).toMatchObject({ time: Date.UTC(2024, 2, 1, 9), tzOffsetMin: 60, status: 504, requestTime: 60.002 });
    expect(rec?.attempts).toEqual([attempt({ addr: '10.0.0.1:80', status: 504 })]);
  });

  it('reads unquoted multi-value upstream lists separated by single spaces', () => {
    const fmt = compileAccessFormat(
      '$remote_addr [$time_local] "$request" $status $upstream_addr $upstream_status $upstream_response_time $request_time',
    );
    const rec = fmt.parse(
      '10.0.0.9 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 10.0.0.1:80, 10.0.0.2:80 : [::1]:81 502, 502 : 200 0.001, 0.002 : 0.003 0.010',
    );
    expect(rec?.requestTime).toBe(0.01);
    expect(rec?.attempts.map((a) => [a.addr, a.status, a.response, a.afterRedirect])).toEqual([
      ['10.0.0.1:80', 502, 0.001, false],
      ['10.0.0.2:80', 502, 0.002, false],
      ['[::1]:81', 200, 0.003, true],
    ]);
  });

  it('takes $bytes_sent when $body_bytes_sent is absent, and method + uri when $request is', () => {
    const fmt = compileAccessFormat('$msec $request_method $request_uri $status $bytes_sent');
    expect(fmt.parse('1700000000.250 POST /api/x?y=1 201 512')).toMatchObject({
      time: 1700000000250,
      tzOffsetMin: NaN,
      request: 'POST /api/x?y=1',
      bytesSent: 512,
    });
  });

  it('prefers $body_bytes_sent over $bytes_sent wherever they appear', () => {
    const fmt = compileAccessFormat('$bytes_sent $body_bytes_sent $status');
    expect(fmt.parse('700 500 200')?.bytesSent).toBe(500);
  });

  it('skips variables it does not know, empty ones included', () => {
    const fmt = compileAccessFormat('$host "$http_x_forwarded_for" $pid $connection_requests "$sent_http_x_foo" $status');
    expect(fmt.parse('example.com "203.0.113.1, 198.51.100.2" 1234 7 "" 499')?.status).toBe(499);
  });

  it('reads a format with no time as time NaN', () => {
    const rec = compileAccessFormat('$status $request_time').parse('200 0.5');
    expect(rec?.time).toBeNaN();
    expect(rec?.requestTime).toBe(0.5);
  });

  it('splits adjacent variables by what their values can contain', () => {
    const fmt = compileAccessFormat('$status$sent_http_content_type $request_time');
    expect(fmt.parse('200text/html 0.004')).toMatchObject({ status: 200, requestTime: 0.004 });
  });

  it('reads $time_local unquoted and unbracketed (it contains a space)', () => {
    const fmt = compileAccessFormat('$time_local $status');
    expect(fmt.parse('10/Oct/2000:13:55:36 -0700 200')).toMatchObject({ status: 200, tzOffsetMin: -420 });
    expect(fmt.parse('10/Oct/2000:13:55:36 -0700200')).toBeNull();
  });

  it('matches a format without variables only to its own text', () => {
    const fmt = compileAccessFormat('static text');
    expect(fmt.variables).toEqual([]);
    expect(fmt.parse('static text')).not.toBeNull();
    expect(fmt.parse('static text!')).toBeNull();
  });

  it('rejects formats nginx would reject', () => {
    expect(() => compileAccessFormat('$remote_addr ${status')).toThrow(LogFormatError);
    expect(() => compileAccessFormat('${}')).toThrow(LogFormatError);
    expect(() => compileAccessFormat('${a-b}')).toThrow(LogFormatError);
    expect(() => compileAccessFormat('')).toThrow(LogFormatError);
  });

  it('treats the text of a format as data, whatever code it looks like', () => {
    const format = `'); throw 1; //\n*/ \`\${x}\` \\"$status" \u2028 (.*)+ $request_time`;
    const fmt = compileAccessFormat(format);
    const line = `'); throw 1; //\n*/ \`\${x}\` \\"503" \u2028 (.*)+ 0.25`;
    expect(fmt.parse(line)).toMatchObject({ status: 503, requestTime: 0.25 });
    expect(fmt.parse(line.replace('throw', 'thr0w'))).toBeNull();
  });

  it('reads a lone $ as text', () => {
    expect(splitFormat('cost $ $status')).toEqual({ literals: ['cost $ ', ''], variables: ['status'] });
  });
});

describe('unescapeLogValue', () => {
  it('undoes nginx and JSON escapes and keeps unknown ones', () => {
    expect(unescapeLogValue('plain')).toBe('plain');
    expect(unescapeLogValue('a\\x22b\\x5Cc')).toBe('a"b\\c');
    expect(unescapeLogValue('\\xE2\\x82\\xAC!')).toBe('€!');
    expect(unescapeLogValue('\\"\\\\\\/\\n\\t\\u00e9')).toBe('"\\/\n\té');
    expect(unescapeLogValue('\\q\\x4')).toBe('\\q\\x4');
    expect(unescapeLogValue('end\\')).toBe('end\\');
  });
});

// ---- Properties: render random values with a format the way nginx would, parse them back. ----

/** nginx's default escaping of a variable value: `"`, `\`, control bytes and non-ASCII as \xHH. */
function nginxEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c || byte < 0x20 || byte >= 0x7f) {
      out += '\\x' + byte.toString(16).toUpperCase().padStart(2, '0');
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}

function render(format: string, values: Record<string, string>): string {
  return format.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_m, a: string | undefined, b: string | undefined) => {
    const v = values[(a ?? b) as string];
    return v === undefined ? '-' : v;
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
function timeLocal(ms: number, off: number): string {
  const d = new Date(ms + off * 60_000);
  const a = Math.abs(off);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}
function timeIso(ms: number, off: number): string {
  const d = new Date(ms + off * 60_000);
  const a = Math.abs(off);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const arbAddr = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 65535 })).map(([a, b, p]) => `10.${a}.${b}.7:${p}`),
  fc.integer({ min: 1, max: 65535 }).map((p) => `[2001:db8::1]:${p}`),
  fc.constant('unix:/run/app.sock'),
);
const arbAttempt = fc.record({
  addr: arbAddr,
  status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
  connect: fc.option(fc.nat(99_999), { nil: undefined }),
  header: fc.option(fc.nat(99_999), { nil: undefined }),
  response: fc.option(fc.nat(99_999), { nil: undefined }),
  bytes: fc.option(fc.nat(1e8), { nil: undefined }),
  redirect: fc.boolean(),
});
type ArbAttempt = typeof arbAttempt extends fc.Arbitrary<infer T> ? T : never;
// Free text as clients send it: quotes, backslashes, spaces, control characters, non-ASCII.
const arbText = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', ' ', '\t', 'é', '€', '-', ','), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
const arbLine = fc.record({
  client: fc.oneof(fc.ipV4(), fc.ipV6()),
  user: fc.oneof(fc.constant('-'), fc.stringMatching(/^[a-z]{1,8}$/)),
  sec: fc.integer({ min: 946684800, max: 4102444799 }),
  milli: fc.nat(999),
  off: fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  path: arbText.map((t) => '/' + t),
  status: fc.integer({ min: 100, max: 599 }),
  bytes: fc.nat(1e9),
  referer: arbText,
  agent: arbText,
  rt: fc.nat(999_999),
  attempts: fc.array(arbAttempt, { maxLength: 4 }),
});
type ArbLine = typeof arbLine extends fc.Arbitrary<infer T> ? T : never;

const secText = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(3));
function list(attempts: ArbAttempt[], f: (a: ArbAttempt) => string): string {
  if (attempts.length === 0) return '-';
  return attempts.map((a, i) => (i === 0 ? '' : a.redirect ? ' : ' : ', ') + f(a)).join('');
}

function valuesOf(l: ArbLine): Record<string, string> {
  const ms = l.sec * 1000 + l.milli;
  return {
    remote_addr: l.client,
    remote_user: l.user,
    time_local: timeLocal(ms, l.off),
    time_iso8601: timeIso(ms, l.off),
    msec: `${l.sec}.${pad(l.milli, 3)}`,
    request: nginxEscape(`${l.method} ${l.path} HTTP/1.1`),
    request_method: l.method,
    request_uri: nginxEscape(l.path),
    status: String(l.status),
    body_bytes_sent: String(l.bytes),
    http_referer: nginxEscape(l.referer),
    http_user_agent: nginxEscape(l.agent),
    request_time: secText(l.rt),
    upstream_addr: list(l.attempts, (a) => a.addr),
    upstream_status: list(l.attempts, (a) => (a.status === undefined ? '-' : String(a.status))),
    upstream_connect_time: list(l.attempts, (a) => secText(a.connect)),
    upstream_header_time: list(l.attempts, (a) => secText(a.header)),
    upstream_response_time: list(l.attempts, (a) => secText(a.response)),
    upstream_bytes_received: list(l.attempts, (a) => (a.bytes === undefined ? '-' : String(a.bytes))),
  };
}

function expected(l: ArbLine, opts: { msec: boolean; request: string; upstreamBytes: boolean }): AccessRecord {
  const ms = l.sec * 1000 + l.milli;
  return {
    time: opts.msec ? ms : l.sec * 1000,
    tzOffsetMin: l.off,
    status: l.status,
    bytesSent: l.bytes,
    requestTime: l.rt / 1000,
    request: opts.request,
    client: expect.any(String),
    logged: expect.any(Number),
    attempts: l.attempts.map((a, i) =>
      attempt({
        addr: a.addr,
        status: a.status ?? 0,
        connect: a.connect === undefined ? NaN : a.connect / 1000,
        header: a.header === undefined ? NaN : a.header / 1000,
        response: a.response === undefined ? NaN : a.response / 1000,
        bytesReceived: opts.upstreamBytes && a.bytes !== undefined ? a.bytes : NaN,
        afterRedirect: i > 0 && a.redirect,
      }),
    ),
  };
}

describe('compileAccessFormat properties', () => {
  it('round-trips random values through UPSTREAM_DOCTOR_FORMAT', () => {
    const fmt = compileAccessFormat(UPSTREAM_DOCTOR_FORMAT);
    fc.assert(
      fc.property(arbLine, (l) => {
        const line = render(UPSTREAM_DOCTOR_FORMAT, valuesOf(l));
        expect(fmt.parse(line)).toEqual(
          expected(l, { msec: true, request: `${l.method} ${l.path} HTTP/1.1`, upstreamBytes: true }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random values through a ${var} format with unquoted lists and method + uri', () => {
    const format =
      '${remote_addr}|[$time_iso8601] $request_method "${request_uri}" ${status}/${body_bytes_sent} ' +
      'rt=${request_time}s ua="$http_user_agent" up: $upstream_addr ; $upstream_status ; ' +
      '$upstream_connect_time ; $upstream_header_time ; $upstream_response_time';
    const fmt = compileAccessFormat(format);
    fc.assert(
      fc.property(arbLine, (l) => {
        const line = render(format, valuesOf(l));
        const want = expected(l, { msec: false, request: `${l.method} ${l.path}`, upstreamBytes: false });
        expect(fmt.parse(line)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random text, or on a real line with random damage', () => {
    const formats = [COMBINED, UPSTREAM_DOCTOR_FORMAT, '$status$request_time "$request" $upstream_addr $time_local'];
    const parsers = formats.map(compileAccessFormat);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const p of parsers) {
          const r = p.parse(s);
          if (r !== null && !Array.isArray(r.attempts)) return false;
        }
        return true;
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(REAL)), fc.nat(), fc.nat(40), fc.string({ maxLength: 8 }), (line, at, cut, ins) => {
        const p = at % line.length;
        const damaged = line.slice(0, p) + ins + line.slice(p + cut);
        for (const parser of parsers) parser.parse(damaged);
      }),
    );
  });
});
