import fc from 'fast-check';
import { LogFormatError, Role, loggedBit } from './formatSpec';
import { createAccessLineParser, isJsonShapedFormat } from './accessParser';
import { UPSTREAM_DOCTOR_FORMAT } from './namedFormats';

const COMBINED_LINE =
  '203.0.113.5 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 502 157 "-" "curl/8.5.0"';
const UD_LINE =
  '127.0.0.1 - - [20/Nov/2026:23:28:20 +0000] "GET /dead HTTP/1.1" 502 157 "-" "curl/7.88.1" rt=0.000 msec=1795217300.580 upstream_addr="127.0.0.1:37383" upstream_status="502" upstream_connect_time="-" upstream_header_time="-" upstream_response_time="0.000" upstream_bytes_received="0"';
const JSON_LINE =
  '{"time":"2026-11-20T23:28:20+00:00","msec":1795217300.580,"status":502,"request":"GET /dead HTTP/1.1","upstream_addr":"127.0.0.1:37383","upstream_status":"502"}';

describe('createAccessLineParser', () => {
  it('reads combined when no format is given', () => {
    const parse = createAccessLineParser();
    expect(parse(COMBINED_LINE)).toMatchObject({ status: 502, bytesSent: 157, tzOffsetMin: -420 });
    expect(parse(UD_LINE)).toBeNull();
    expect(createAccessLineParser('  ')(COMBINED_LINE)).not.toBeNull();
  });

  it('reads the configured text format', () => {
    const parse = createAccessLineParser(UPSTREAM_DOCTOR_FORMAT);
    expect(parse(UD_LINE)?.attempts).toHaveLength(1);
    expect(parse(COMBINED_LINE)).toBeNull();
  });

  it('sends a line starting with { to the JSON reader even when a text format is configured', () => {
    const rec = createAccessLineParser(UPSTREAM_DOCTOR_FORMAT)(JSON_LINE);
    expect(rec).toMatchObject({ time: 1795217300580, tzOffsetMin: 0, status: 502, request: 'GET /dead HTTP/1.1' });
    expect(rec?.attempts.map((a) => [a.addr, a.status])).toEqual([['127.0.0.1:37383', 502]]);
  });

  it('reads a file that switched from text to JSON halfway', () => {
    const parse = createAccessLineParser(UPSTREAM_DOCTOR_FORMAT);
    expect([UD_LINE, JSON_LINE, UD_LINE].map((l) => parse(l)?.status)).toEqual([502, 502, 502]);
  });

  it('uses the keys of a JSON-shaped format', () => {
    const parse = createAccessLineParser('{"when":"$msec","code":"$status","peer":"$upstream_addr"}');
    expect(parse('{"when":"1700000000.000","code":"504","peer":"10.0.0.1:80"}')).toMatchObject({
      time: 1700000000000,
      status: 504,
      attempts: [{ addr: '10.0.0.1:80' }],
    });
    expect(parse(COMBINED_LINE)).toBeNull();
  });

  it('falls back to the text format for a { line that is not JSON', () => {
    const parse = createAccessLineParser('{$host} $status');
    expect(parse('{example.com} 503')?.status).toBe(503);
  });

  it('throws a LogFormatError for a format nginx would refuse', () => {
    expect(() => createAccessLineParser('$remote_addr ${status')).toThrow(LogFormatError);
  });

  it('re-exports isJsonShapedFormat', () => {
    expect(isJsonShapedFormat('{"s":$status}')).toBe(true);
    expect(isJsonShapedFormat(UPSTREAM_DOCTOR_FORMAT)).toBe(false);
  });

  it('never throws on random input', () => {
    const parsers = [createAccessLineParser(), createAccessLineParser(UPSTREAM_DOCTOR_FORMAT), createAccessLineParser('{"s":$status}')];
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json().map((j) => j.replace(/^\s*/, ''))), (s) => {
        for (const p of parsers) p(s);
      }),
    );
  });
});

describe('createAutoAccessParser', () => {
  const { createAutoAccessParser } = jest.requireActual('./accessParser') as typeof import('./accessParser');
  const combined = '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8"';
  const ours =
    combined +
    ' rt=0.005 msec=1795168800.000 upstream_addr="10.0.0.5:80" upstream_status="200" upstream_connect_time="0.000"' +
    ' upstream_header_time="0.004" upstream_response_time="0.005" upstream_bytes_received="300"';

  it('reads the upstream_doctor format without being told, and combined as before', () => {
    const parse = createAutoAccessParser();
    expect(parse(ours)!.attempts[0].addr).toBe('10.0.0.5:80');
    expect(parse(combined)!.status).toBe(200);
    expect(parse(combined)!.attempts).toEqual([]);
    expect(parse('garbage')).toBeNull();
  });
});

describe('what a line could have told', () => {
  it('marks the variables its format logs, and reads the client address', () => {
    const combined = createAccessLineParser()('192.0.2.10 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 502 157 "-" "curl"')!;
    expect(combined.client).toBe('192.0.2.10');
    expect(combined.logged & loggedBit(Role.Status)).not.toBe(0);
    expect(combined.logged & loggedBit(Role.UpAddr)).toBe(0);
    expect(combined.logged & loggedBit(Role.UpConnect)).toBe(0);
    const json = createAccessLineParser()('{"time_local":"10/Oct/2000:13:55:36 -0700","status":502,"upstream_addr":"10.0.0.1:80","upstream_connect_time":"0.000"}')!;
    expect(json.logged & loggedBit(Role.UpConnect)).not.toBe(0);
    expect(json.logged & loggedBit(Role.UpHeader)).toBe(0);
    expect(json.client).toBe('');
  });
});
