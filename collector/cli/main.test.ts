// The CLI contract for bad input: one line on stderr, an exit code scripts can trust, never a stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXIT } from './errors';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'ud-cli-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const line = (i: number, status = 200) =>
  `10.0.0.${i % 250} - - [20/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /a/${i} HTTP/1.1" ${status} 512 "-" "curl/8.0"`;
const good = file('access.log', Array.from({ length: 50 }, (_, i) => line(i)).join('\n') + '\n');

async function run(args: string[]) {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: unknown, cb?: unknown) => {
    out += String(s);
    if (typeof cb === 'function') (cb as () => void)();
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: unknown) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function expectOneLineError(r: { err: string }, pattern: RegExp) {
  expect(r.err).toMatch(pattern);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
}

describe('upstream-doctor diagnose', () => {
  it('prints the contract keys with --json', async () => {
    const r = await run(['diagnose', '--access', good, '--json']);
    expect(r.code).toBe(EXIT.ok);
    const d = JSON.parse(r.out);
    expect(d.likely_cause).toBe('healthy');
    expect(Array.isArray(d.causes)).toBe(true);
    expect(d.causes[0]).toEqual(expect.objectContaining({ id: 'healthy', score: expect.any(Number), window: expect.any(Object) }));
    expect(d.flowchart_path).toEqual(['A', 'O']);
    for (const k of ['requests', 'rate_502', 'rate_5xx', 'p95_upstream_response_s', 'proxy_read_timeout_s', 'connect_reuse_share', 'upstreams']) {
      expect(d.series).toHaveProperty(k);
    }
    expect(d.series.requests).toBe(50);
    expect(d.series.proxy_read_timeout_s).toBeNull();
    expect(d.parse_errors).toBe(0);
  });

  it('prints a readable report without --json', async () => {
    const r = await run(['diagnose', '--access', good]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/Verdict\s+Healthy/);
    expect(r.out).toMatch(/Flowchart/);
  });

  it('counts garbage, binary and truncated lines as parse errors and goes on', async () => {
    const mixed = file(
      'mixed.log',
      [line(1), 'garbage here', '\u0000\u0001\u0002binary\u00ff', line(2), 'x'.repeat(1_000_000), line(3).slice(0, 30)].join('\n'),
    );
    const r = await run(['diagnose', '--access', mixed, '--json']);
    expect(r.code).toBe(EXIT.ok);
    const d = JSON.parse(r.out);
    expect(d.series.requests).toBe(2);
    expect(d.parse_errors).toBe(4);
    expect(d.parse_errors_by_source.too_long).toBe(1);
  });

  it('reads gzip-rotated logs', async () => {
    const gz = file('access.log.2.gz', gzipSync(Array.from({ length: 20 }, (_, i) => line(i, 502)).join('\n')));
    const d = JSON.parse((await run(['diagnose', '--access', gz, '--json'])).out);
    expect(d.series.requests).toBe(20);
    expect(d.series.rate_502).toBe(1);
  });

  it.each([
    ['a missing file', ['--access', join(dir, 'nope.log')], EXIT.input, /cannot read .*nope\.log: no such file/],
    ['a directory', ['--access', dir], EXIT.input, /cannot read/],
    ['an empty file', ['--access', file('empty.log', '')], EXIT.noData, /is empty/],
    ['a format that matches nothing', ['--access', file('other.log', 'hello\nworld\n')], EXIT.noData, /no line of .* matches/],
    ['an unbalanced nginx config', ['--access', good, '--nginx-conf', file('bad.conf', 'http { server {')], EXIT.input, /nginx config: /],
    ['a missing nginx config', ['--access', good, '--nginx-conf', join(dir, 'none.conf')], EXIT.input, /nginx config: /],
    ['a bad window', ['--access', good, '--window', '-3'], EXIT.usage, /--window/],
    ['no --access', [], EXIT.usage, /--access/],
  ])('rejects %s with one line', async (_what, args, code, pattern) => {
    const r = await run(['diagnose', ...args]);
    expect(r.code).toBe(code);
    expectOneLineError(r, pattern);
    expect(r.out).toBe('');
  });

  it('rejects an unknown command', async () => {
    const r = await run(['cure']);
    expect(r.code).toBe(EXIT.usage);
  });
});
