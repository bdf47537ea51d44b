import fc from 'fast-check';
import { createJsonLineParser, isJsonShapedFormat, jsonFormatFields } from './jsonLine';
import type { AccessRecord, Attempt } from '../types';

// The escape=json format of a local nginx 1.22 run and lines it wrote: a retry, a static file (unset
// variables are written as empty strings in this mode) and a request line with a raw `"` and UTF-8.
const NGINX_JSON_FORMAT =
  '{"time":"$time_iso8601","msec":$msec,"status":$status,"request":"$request","ua":"$http_user_agent",' +
  '"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status",' +
  '"upstream_connect_time":"$upstream_connect_time","upstream_response_time":"$upstream_response_time"}';
const REAL = {
  retry:
    '{"time":"2026-11-20T23:28:20+00:00","msec":1795217300.548,"status":200,"request":"GET /retry HTTP/1.1","ua":"Mozilla/5.0 \\"quoted\\" \\\\back","upstream_addr":"127.0.0.1:37383, 127.0.0.1:35721","upstream_status":"502, 200","upstream_connect_time":"-, 0.000","upstream_response_time":"0.000, 0.000"}',
  static:
    '{"time":"2026-11-20T23:28:20+00:00","msec":1795217300.597,"status":200,"request":"GET /static?q=%22x%22 HTTP/1.1","ua":"curl/7.88.1","upstream_addr":"","upstream_status":"","upstream_connect_time":"","upstream_response_time":""}',
  rawQuote:
    '{"time":"2026-11-20T23:28:20+00:00","msec":1795217300.910,"status":404,"request":"GET /raw\\"quoteé HTTP/1.0","ua":"","upstream_addr":"","upstream_status":"","upstream_connect_time":"","upstream_response_time":""}',
};

function attempt(a: Partial<Attempt>): Attempt {
  return { addr: '', status: 0, connect: NaN, header: NaN, response: NaN, bytesReceived: NaN, afterRedirect: false, ...a };
}

const RETRY_RECORD: AccessRecord = {
  time: 1795217300548,
  tzOffsetMin: 0,
  status: 200,
  bytesSent: NaN,
  requestTime: NaN,
  request: 'GET /retry HTTP/1.1',
  client: expect.any(String),
  logged: expect.any(Number),
  attempts: [
    attempt({ addr: '127.0.0.1:37383', status: 502, response: 0 }),
    attempt({ addr: '127.0.0.1:35721', status: 200, connect: 0, response: 0 }),
  ],
};

describe('isJsonShapedFormat', () => {
  it('tells JSON templates from text formats', () => {
    expect(isJsonShapedFormat(NGINX_JSON_FORMAT)).toBe(true);
    expect(isJsonShapedFormat('  {"a":"${status}", "b": {"c": $msec}}  ')).toBe(true);
    expect(isJsonShapedFormat('$remote_addr - $remote_user [$time_local] "$request" $status')).toBe(false);
    expect(isJsonShapedFormat('{$remote_addr} $status')).toBe(false);
    expect(isJsonShapedFormat('{"a":"$status"')).toBe(false);
    expect(isJsonShapedFormat('[{"a":"$status"}]')).toBe(false);
  });
});

describe('jsonFormatFields', () => {
  it('maps key paths to the single variable they hold', () => {
    expect(jsonFormatFields('{"t":"$msec","up":{"addr":"${upstream_addr}","s":$upstream_status},"r":"$request_method $request_uri"}')).toEqual([
      { path: ['t'], variable: 'msec' },
      { path: ['up', 'addr'], variable: 'upstream_addr' },
      { path: ['up', 's'], variable: 'upstream_status' },
    ]);
    expect(jsonFormatFields('$status')).toEqual([]);
  });
});

describe('createJsonLineParser with the nginx format', () => {
  const parser = createJsonLineParser(NGINX_JSON_FORMAT);

  it('reads real escape=json lines', () => {
    expect(parser.parse(REAL.retry)).toEqual(RETRY_RECORD);
    expect(parser.parse(REAL.static)?.attempts).toEqual([]);
    expect(parser.parse(REAL.rawQuote)?.request).toBe('GET /raw"quoteé HTTP/1.0');
  });

  it('reads the same record when a shipper re-serialised the line in another key order', () => {
    const obj = JSON.parse(REAL.retry) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(obj).reverse()), null, 1).replace(/\n/g, '');
    expect(parser.parse(reordered)).toEqual(RETRY_RECORD);
  });

  it('reads a multi-value variable nginx wrote unquoted (not valid JSON)', () => {
    const p = createJsonLineParser('{"msec":$msec,"status":$status,"upstream_addr":"$upstream_addr","upstream_status":$upstream_status}');
    const rec = p.parse('{"msec":1700000000.000,"status":502,"upstream_addr":"a:1, b:2","upstream_status":502, 502}');
    expect(rec?.attempts.map((a) => a.status)).toEqual([502, 502]);
  });

  it('reads keys in nested objects', () => {
    const p = createJsonLineParser('{"ts":"$time_iso8601","http":{"status":"$status"},"up":{"addr":"$upstream_addr","rt":"$upstream_response_time"}}');
    const rec = p.parse('{"up":{"rt":"0.250","addr":"[::1]:9000"},"http":{"status":"504"},"ts":"2024-05-01T12:00:00+02:00"}');
    expect(rec).toMatchObject({ time: Date.UTC(2024, 4, 1, 10), tzOffsetMin: 120, status: 504 });
    expect(rec?.attempts).toEqual([attempt({ addr: '[::1]:9000', response: 0.25 })]);
  });

  it.each([
    ['invalid JSON', '{"time":"2026-11-20T23:28:20+00:00","status":200'],
    ['a JSON array', '[1,2,3]'],
    ['an invalid status', REAL.retry.replace('"status":200', '"status":"2xx"')],
    ['a status out of range', REAL.retry.replace('"status":200', '"status":1200')],
    ['an invalid time', REAL.retry.replace('"msec":1795217300.548', '"msec":"soon"')],
    ['an invalid ISO time', REAL.retry.replace('2026-11-20T23', '2026-13-20T23')],
  ])('returns null for %s', (_label, line) => {
    expect(parser.parse(line)).toBeNull();
  });
});

describe('createJsonLineParser without a format (key names)', () => {
  const parser = createJsonLineParser();

  it('recognises the keys of the real nginx lines', () => {
    expect(parser.parse(REAL.retry)).toEqual(RETRY_RECORD);
  });

  it('reads numbers and strings alike', () => {
    const rec = parser.parse(
      '{"time_local":"10/Oct/2000:13:55:36 -0700","status":"502","body_bytes_sent":157,"request_time":"0.004",' +
        '"request":"GET / HTTP/1.1","upstream_addr":"10.0.0.1:80","upstream_status":502,"upstream_connect_time":0,' +
        '"upstream_header_time":null,"upstream_response_time":0.004,"upstream_bytes_received":"0"}',
    );
    expect(rec).toEqual<AccessRecord>({
      time: Date.UTC(2000, 9, 10, 20, 55, 36),
      tzOffsetMin: -420,
      status: 502,
      bytesSent: 157,
      requestTime: 0.004,
      request: 'GET / HTTP/1.1',
      client: expect.any(String),
      logged: expect.any(Number),
      attempts: [attempt({ addr: '10.0.0.1:80', status: 502, connect: 0, response: 0.004, bytesReceived: 0 })],
    });
  });

  it.each([
    ['@timestamp with a fraction and Z', '{"@timestamp":"2024-01-01T00:00:01.250Z","status":200}', Date.UTC(2024, 0, 1, 0, 0, 1, 250)],
    ['timestamp in epoch seconds', '{"timestamp":1704067201.5,"status":200}', Date.UTC(2024, 0, 1, 0, 0, 1, 500)],
    ['ts in epoch milliseconds', '{"ts":1704067201500,"status":200}', Date.UTC(2024, 0, 1, 0, 0, 1, 500)],
    ['time as an epoch string', '{"time":"1704067201.500","status":200}', Date.UTC(2024, 0, 1, 0, 0, 1, 500)],
    ['time_iso8601', '{"time_iso8601":"2024-01-01T01:00:01+01:00","status":200}', Date.UTC(2024, 0, 1, 0, 0, 1)],
  ])('reads %s', (_label, line, ms) => {
    expect(parser.parse(line)?.time).toBe(ms);
  });

  it('takes the zone from a guessed time key when msec gives the time, and ignores it if it has none', () => {
    expect(parser.parse('{"msec":"1700000000.500","time":"14/Nov/2023:23:13:20 +0100","status":200}')).toMatchObject({
      time: 1700000000500,
      tzOffsetMin: 60,
    });
    expect(parser.parse('{"msec":"1700000000.500","time":0.004,"status":200}')).toMatchObject({
      time: 1700000000500,
      tzOffsetMin: NaN,
    });
  });

  it('joins method and uri when there is no request, and takes bytes_sent without body_bytes_sent', () => {
    expect(parser.parse('{"msec":"1.000","status":200,"method":"PUT","uri":"/x","bytes_sent":10}')).toMatchObject({
      request: 'PUT /x',
      bytesSent: 10,
    });
  });

  it('reads a list written as a JSON array', () => {
    const rec = parser.parse('{"status":200,"upstream_addr":["a:1","b:2"],"upstream_status":[502,200]}');
    expect(rec?.attempts.map((a) => [a.addr, a.status])).toEqual([
      ['a:1', 502],
      ['b:2', 200],
    ]);
  });

  it.each([
    ['invalid JSON', '{"status":200,}'],
    ['JSON that is no access record', '{"level":"info","msg":"started"}'],
    ['a string', '"status"'],
    ['null', 'null'],
    ['an invalid time', '{"time":"yesterday","status":200}'],
  ])('returns null for %s', (_label, line) => {
    expect(parser.parse(line)).toBeNull();
  });
});

describe('createJsonLineParser properties', () => {
  const format =
    '{"time":"$time_iso8601","status":$status,"bytes":$body_bytes_sent,"request":"$request",' +
    '"rt":$request_time,"ua":"$http_user_agent","up":"$upstream_addr","ups":"$upstream_status",' +
    '"upt":"$upstream_response_time"}';
  const parser = createJsonLineParser(format);
  /** What nginx escape=json writes for a string value (control characters, `"` and `\` escaped). */
  const esc = (s: string): string => JSON.stringify(s).slice(1, -1);
  const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', ' ', '\n', 'é', ','), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 20 });
  const line = fc.record({
    sec: fc.integer({ min: 946684800, max: 4102444799 }),
    status: fc.integer({ min: 100, max: 599 }),
    bytes: fc.nat(1e9),
    path: text,
    rt: fc.nat(999_999),
    ua: text,
    tries: fc.array(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 100, max: 599 }), fc.nat(99_999)), { maxLength: 3 }),
  });

  it('round-trips random values', () => {
    fc.assert(
      fc.property(line, (l) => {
        const iso = new Date(l.sec * 1000).toISOString().replace('.000Z', '+00:00');
        const tries = l.tries.length === 0 ? null : l.tries;
        const rendered = format
          .replace('$time_iso8601', iso)
          .replace('$status', String(l.status))
          .replace('$body_bytes_sent', String(l.bytes))
          .replace('$request', esc(`GET /${l.path} HTTP/1.1`))
          .replace('$request_time', (l.rt / 1000).toFixed(3))
          .replace('$http_user_agent', esc(l.ua))
          .replace('$upstream_addr', tries ? tries.map((t) => `10.0.0.1:${t[0]}`).join(', ') : '')
          .replace('$upstream_status', tries ? tries.map((t) => String(t[1])).join(', ') : '')
          .replace('$upstream_response_time', tries ? tries.map((t) => (t[2] / 1000).toFixed(3)).join(', ') : '');
        expect(parser.parse(rendered)).toEqual<AccessRecord>({
          time: l.sec * 1000,
          tzOffsetMin: 0,
          status: l.status,
          bytesSent: l.bytes,
          requestTime: l.rt / 1000,
          request: `GET /${l.path} HTTP/1.1`,
          client: expect.any(String),
          logged: expect.any(Number),
          attempts: l.tries.map(([port, status, ms]) => attempt({ addr: `10.0.0.1:${port}`, status, response: ms / 1000 })),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random text or random JSON', () => {
    const plain = createJsonLineParser();
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), (s) => {
        parser.parse(s);
        plain.parse(s);
        parser.parse('{' + s);
        plain.parse('{' + s);
      }),
    );
  });
});
