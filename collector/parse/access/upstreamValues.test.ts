import fc from 'fast-check';
import type { Attempt } from '../types';
import { lineAttempts, parseAttempts, parseCount, parseDecimal, parseStatus3 } from './upstreamValues';

function attempt(a: Partial<Attempt>): Attempt {
  return { addr: '', status: 0, connect: NaN, header: NaN, response: NaN, bytesReceived: NaN, afterRedirect: false, ...a };
}

describe('parseAttempts', () => {
  it('keeps each try of a proxy_next_upstream retry apart', () => {
    // Captured from nginx 1.22: first peer refused the connection, second answered.
    expect(
      parseAttempts('127.0.0.1:37383, 127.0.0.1:35721', '502, 200', '-, 0.000', '-, 0.000', '0.000, 0.000', '0, 159'),
    ).toEqual([
      attempt({ addr: '127.0.0.1:37383', status: 502, response: 0, bytesReceived: 0 }),
      attempt({ addr: '127.0.0.1:35721', status: 200, connect: 0, header: 0, response: 0, bytesReceived: 159 }),
    ]);
  });

  it('reads the example of the brief: two peers, 502 then 200', () => {
    const [a, b] = parseAttempts('10.0.0.1:80, 10.0.0.2:80', '502, 200', '0.000, 0.001', '-, 0.002', '0.000, 0.002', undefined);
    expect(a).toEqual(attempt({ addr: '10.0.0.1:80', status: 502, connect: 0, response: 0 }));
    expect(b).toEqual(attempt({ addr: '10.0.0.2:80', status: 200, connect: 0.001, header: 0.002, response: 0.002 }));
  });

  it('marks the first attempt after an internal redirect', () => {
    const got = parseAttempts(
      '10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80, 10.0.0.4:80',
      '502, 404 : 502, 200',
      '0.001, 0.001 : 0.001, 0.001',
      undefined,
      '0.010, 0.020 : 0.030, 0.040',
      undefined,
    );
    expect(got.map((a) => [a.addr, a.status, a.response, a.afterRedirect])).toEqual([
      ['10.0.0.1:80', 502, 0.01, false],
      ['10.0.0.2:80', 404, 0.02, false],
      ['10.0.0.3:80', 502, 0.03, true],
      ['10.0.0.4:80', 200, 0.04, false],
    ]);
  });

  it('has no attempts when nginx did not go upstream', () => {
    expect(parseAttempts('-', '-', '-', '-', '-', '-')).toEqual([]);
    // escape=json writes an unset variable as an empty string.
    expect(parseAttempts('', '', '', '', '', '')).toEqual([]);
    expect(parseAttempts(undefined, undefined, undefined, undefined, undefined, undefined)).toEqual([]);
  });

  it('treats IPv6 peers and unix sockets as addresses', () => {
    const got = parseAttempts('[::1]:8080, unix:/run/app.sock : [2001:db8::1]:80', '502, 200 : 200', undefined, undefined, undefined, undefined);
    expect(got.map((a) => a.addr)).toEqual(['[::1]:8080', 'unix:/run/app.sock', '[2001:db8::1]:80']);
    expect(got.map((a) => a.afterRedirect)).toEqual([false, false, true]);
  });

  it('keeps the upstream group name nginx writes when no peer was live', () => {
    expect(parseAttempts('backend', '502', '-', '-', '0.000', '0')).toEqual([
      attempt({ addr: 'backend', status: 502, response: 0, bytesReceived: 0 }),
    ]);
  });

  it('counts attempts from the first logged variable when $upstream_addr is not logged', () => {
    const got = parseAttempts(undefined, '504, 502', undefined, undefined, '60.001, 0.000', undefined);
    expect(got).toEqual([attempt({ status: 504, response: 60.001 }), attempt({ status: 502, response: 0 })]);
    expect(parseAttempts(undefined, '-', undefined, undefined, '-', undefined)).toEqual([]);
  });

  it('leaves values missing when a variable has fewer entries than the address list', () => {
    const got = parseAttempts('a:1, b:2, c:3', '502', '0.000, 0.001', undefined, undefined, undefined);
    expect(got.map((a) => [a.status, a.connect])).toEqual([
      [502, 0],
      [0, 0.001],
      [0, NaN],
    ]);
  });

  it('never sums a value across attempts', () => {
    const got = parseAttempts('a:1, b:2', '502, 200', undefined, undefined, '1.500, 2.250', '10, 20');
    expect(got.map((a) => a.response)).toEqual([1.5, 2.25]);
    expect(got.map((a) => a.bytesReceived)).toEqual([10, 20]);
  });

  it('reads garbage values as unknown without failing', () => {
    const got = parseAttempts('a:1', 'abc', 'x.y', '1.2.3', '--', 'ten');
    expect(got).toEqual([attempt({ addr: 'a:1' })]);
  });

  it('round-trips any list nginx could write (property)', () => {
    const addr = fc.oneof(
      fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 65535 })).map(([a, b, p]) => `10.${a}.${b}.1:${p}`),
      fc.integer({ min: 1, max: 65535 }).map((p) => `[::1]:${p}`),
      fc.constantFrom('unix:/run/app.sock', 'backend'),
    );
    const seconds = fc.option(fc.nat(999_999), { nil: undefined }); // milliseconds, or `-`
    const row = fc.record({
      addr,
      status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
      connect: seconds,
      header: seconds,
      response: seconds,
      bytes: fc.option(fc.nat(1e9), { nil: undefined }),
      redirect: fc.boolean(),
    });
    const secText = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(3));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        const join = (f: (r: (typeof rows)[number]) => string): string =>
          rows.map((r, i) => (i === 0 ? '' : r.redirect ? ' : ' : ', ') + f(r)).join('');
        const got = parseAttempts(
          join((r) => r.addr),
          join((r) => (r.status === undefined ? '-' : String(r.status))),
          join((r) => secText(r.connect)),
          join((r) => secText(r.header)),
          join((r) => secText(r.response)),
          join((r) => (r.bytes === undefined ? '-' : String(r.bytes))),
        );
        const want = rows.map((r, i) =>
          attempt({
            addr: r.addr,
            status: r.status ?? 0,
            connect: r.connect === undefined ? NaN : r.connect / 1000,
            header: r.header === undefined ? NaN : r.header / 1000,
            response: r.response === undefined ? NaN : r.response / 1000,
            bytesReceived: r.bytes ?? NaN,
            afterRedirect: i > 0 && r.redirect,
          }),
        );
        expect(got).toEqual(want);
      }),
    );
  });

  it('never throws on random text (property)', () => {
    const text = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });
    fc.assert(
      fc.property(text, text, text, text, text, text, (a, s, c, h, r, b) => {
        const got = parseAttempts(a, s, c, h, r, b);
        return Array.isArray(got) && got.every((x) => typeof x.addr === 'string' && Number.isInteger(x.status));
      }),
    );
  });
});

describe('lineAttempts', () => {
  /** The six values laid out in one line the way a text format has them, with their extents. */
  function layout(values: Array<string | undefined>): { line: string; ext: number[] } {
    let line = 'x=';
    const ext: number[] = [];
    for (const v of values) {
      if (v === undefined) {
        ext.push(-1, -1);
        continue;
      }
      line += ' "';
      ext.push(line.length, line.length + v.length);
      line += v + '"';
    }
    return { line, ext };
  }
  const call = (line: string, e: number[]) =>
    lineAttempts(line, e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9], e[10], e[11]);

  it('reads one attempt, no attempt, and retries the same as parseAttempts', () => {
    const cases: Array<Array<string | undefined>> = [
      ['10.0.0.1:80', '200', '0.000', '0.004', '0.005', '300'],
      ['10.0.0.1:80', '-', '-', '-', '0.000', '0'],
      ['-', '-', '-', '-', '-', '-'],
      ['', '', '', '', '', ''],
      [undefined, '502', undefined, undefined, '0.001', undefined],
      [undefined, undefined, undefined, undefined, undefined, undefined],
      ['10.0.0.1:80, 10.0.0.2:80', '502, 200', '0.000, 0.001', '-, 0.002', '0.000, 0.002', '0, 9'],
      ['a : b', '404 : 200', undefined, undefined, '0.1 : 0.2', undefined],
      ['10.0.0.1:80', '20', '1.2.3', 'x', '99999999999999999', '1.5'],
    ];
    for (const values of cases) {
      const { line, ext } = layout(values);
      expect(call(line, ext)).toEqual(parseAttempts(...(values as [string, string, string, string, string, string])));
    }
  });

  it('agrees with parseAttempts on random values (property)', () => {
    const unit = fc.oneof(fc.constantFrom('10.0.0.1:80', '-', '', '200', '0.000', '502, 200', ' : ', ', ', '1.', '.5'), fc.string({ maxLength: 8 }));
    const value = fc.option(unit.filter((v) => !v.includes('"')), { nil: undefined });
    fc.assert(
      fc.property(fc.tuple(value, value, value, value, value, value), (values) => {
        const { line, ext } = layout(values);
        expect(call(line, ext)).toEqual(parseAttempts(...values));
      }),
    );
  });

  it('names each peer right while many names of equal length share the cache', () => {
    // More names than cache slots, all of one length, read again in another order: collisions and
    // evictions must never hand out another peer's name.
    const names = Array.from({ length: 1000 }, (_, i) => `10.0.${Math.floor(i / 250)}.${100 + (i % 250)}:8080`);
    for (const order of [names, [...names].reverse(), names.filter((_, i) => i % 7 === 0)]) {
      for (const name of order) {
        const { line, ext } = layout([name, '200', undefined, undefined, undefined, undefined]);
        expect(call(line, ext)[0].addr).toBe(name);
      }
    }
  });
});

describe('number readers', () => {
  it('parseDecimal reads nginx seconds as parseFloat would', () => {
    expect(parseDecimal('0.002')).toBe(0.002);
    expect(parseDecimal('12.345')).toBe(12.345);
    expect(parseDecimal('60')).toBe(60);
    expect(parseDecimal('rt=1.5 ', 3, 6)).toBe(1.5);
    for (const bad of ['', '-', '.', '1.2.3', '1,5', ' 1', 'abc']) expect(parseDecimal(bad)).toBeNaN();
    fc.assert(
      fc.property(fc.nat(99_999_999), (ms) => {
        const text = (ms / 1000).toFixed(3);
        return parseDecimal(text) === parseFloat(text);
      }),
    );
  });

  it('parseCount reads byte counts', () => {
    expect(parseCount('0')).toBe(0);
    expect(parseCount('1048576')).toBe(1048576);
    for (const bad of ['', '-', '1.0', '12a', '-1']) expect(parseCount(bad)).toBeNaN();
  });

  it('parseStatus3 wants exactly three digits', () => {
    expect(parseStatus3('502')).toBe(502);
    expect(parseStatus3('000')).toBe(0);
    for (const bad of ['', '50', '5021', '-', '5x2']) expect(parseStatus3(bad)).toBe(-1);
  });
});
