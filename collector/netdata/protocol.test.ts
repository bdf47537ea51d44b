// Every line type the plugin writes, read back the way Netdata 1.37 splits words, with hostile text and ids.
import fc from 'fast-check';
import {
  MAX_ID_LENGTH,
  MAX_TEXT_LENGTH,
  ProtocolError,
  beginLine,
  chartLine,
  clabelCommitLine,
  clabelLine,
  dimensionLine,
  disableLine,
  endLine,
  hash,
  isValidId,
  quote,
  sanitizeId,
  scaled,
  setLine,
  type ChartLine,
} from './protocol';
import { pluginsdWords } from '../testing/pluginsdWords';

const chart: ChartLine = {
  type: 'upstream_doctor',
  id: 'requests_10_0_0_5_8080',
  title: 'Client requests by status',
  units: 'requests/s',
  family: '10.0.0.5:8080',
  context: 'upstream_doctor.requests',
  chartType: 'stacked',
  priority: 80000,
  updateEvery: 1,
  plugin: 'upstream_doctor.plugin',
  module: 'upstream',
};

/** What Netdata keeps of a text field: control characters as spaces, backslashes as slashes. */
const kept = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\\/g, '/').slice(0, MAX_TEXT_LENGTH);
/** The word Netdata reads for a text field: as kept, with apostrophes as ’ when it held both quotes. */
const word = (s: string) => {
  const k = kept(s);
  return k.includes("'") && k.includes('"') ? k.replace(/'/g, '\u2019') : k;
};

describe('pluginsdWords (the test oracle) splits like Netdata 1.37', () => {
  it('on spaces, tabs and =, with quotes that end a word', () => {
    expect(pluginsdWords("SET a = 5")).toEqual(['SET', 'a', '5']);
    expect(pluginsdWords("X 'a b' \"c 'd'\" ''")).toEqual(['X', 'a b', "c 'd'", '']);
    expect(pluginsdWords("X 'a'b")).toEqual(['X', 'a', 'b']);
    expect(pluginsdWords("X 'a\\'b'")).toEqual(['X', "a\\'b"]);
    expect(pluginsdWords('X\ty==z')).toEqual(['X', 'y', 'z']);
  });
});

describe('CHART', () => {
  it('writes the 13 fields of Netdata 1.37 in order, text quoted', () => {
    const line = chartLine({ ...chart, options: ['detail'] });
    expect(line).toBe(
      "CHART upstream_doctor.requests_10_0_0_5_8080 '' 'Client requests by status' 'requests/s' '10.0.0.5:8080' " +
        "'upstream_doctor.requests' stacked 80000 1 'detail' 'upstream_doctor.plugin' 'upstream'",
    );
    expect(pluginsdWords(line)).toEqual([
      'CHART',
      'upstream_doctor.requests_10_0_0_5_8080',
      '',
      'Client requests by status',
      'requests/s',
      '10.0.0.5:8080',
      'upstream_doctor.requests',
      'stacked',
      '80000',
      '1',
      'detail',
      'upstream_doctor.plugin',
      'upstream',
    ]);
  });

  it('keeps any title and family as one field', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (title, family) => {
        const w = pluginsdWords(chartLine({ ...chart, title, family }));
        expect(w).toHaveLength(13);
        expect(w[3]).toBe(word(title));
        expect(w[5]).toBe(word(family));
      }),
    );
  });

  it('refuses bad ids, contexts, options, priorities and intervals', () => {
    expect(() => chartLine({ ...chart, id: '10.0.0.5:8080' })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, id: 'a b' })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, type: 'up.doctor' })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, id: 'x'.repeat(MAX_ID_LENGTH + 1) })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, context: "a'b" })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, options: ['hidden detail'] })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, priority: 0 })).toThrow(ProtocolError);
    expect(() => chartLine({ ...chart, updateEvery: 1.5 })).toThrow(ProtocolError);
  });
});

describe('DIMENSION', () => {
  it('writes id, name, algorithm, multiplier, divisor and options', () => {
    const line = dimensionLine({ id: 'rate_502', name: '502', algorithm: 'absolute', multiplier: 1, divisor: 10000 });
    expect(line).toBe("DIMENSION rate_502 '502' absolute 1 10000 ''");
    expect(pluginsdWords(line)).toEqual(['DIMENSION', 'rate_502', '502', 'absolute', '1', '10000', '']);
    const hidden = dimensionLine({ id: 'window_requests', name: 'requests in window', algorithm: 'absolute', multiplier: 1, divisor: 1, hidden: true });
    expect(pluginsdWords(hidden)).toEqual(['DIMENSION', 'window_requests', 'requests in window', 'absolute', '1', '1', 'hidden']);
    expect(pluginsdWords(dimensionLine({ id: 'le_0', name: "0 (reused) 'pooled'", algorithm: 'incremental', multiplier: -1, divisor: 1 }))).toEqual([
      'DIMENSION',
      'le_0',
      "0 (reused) 'pooled'",
      'incremental',
      '-1',
      '1',
      '',
    ]);
  });

  it('refuses bad ids, a zero multiplier and a bad divisor', () => {
    const d = { id: 'ok', name: 'ok', algorithm: 'absolute' as const, multiplier: 1, divisor: 1 };
    expect(() => dimensionLine({ ...d, id: '502 share' })).toThrow(ProtocolError);
    expect(() => dimensionLine({ ...d, id: '' })).toThrow(ProtocolError);
    expect(() => dimensionLine({ ...d, multiplier: 0 })).toThrow(ProtocolError);
    expect(() => dimensionLine({ ...d, divisor: 0 })).toThrow(ProtocolError);
    expect(() => dimensionLine({ ...d, divisor: 0.5 })).toThrow(ProtocolError);
  });
});

describe('CLABEL and CLABEL_COMMIT', () => {
  it('carry the raw upstream as the value and the source as a number', () => {
    expect(clabelLine('upstream', '10.0.0.5:8080')).toBe("CLABEL 'upstream' '10.0.0.5:8080' 1");
    expect(pluginsdWords(clabelLine('upstream', '[::1]:8080, unix:/run/app.sock'))).toEqual(['CLABEL', 'upstream', '[::1]:8080, unix:/run/app.sock', '1']);
    expect(pluginsdWords(clabelLine('host', 'web 1', 2))).toEqual(['CLABEL', 'host', 'web 1', '2']);
    expect(clabelCommitLine()).toBe('CLABEL_COMMIT');
  });

  it('keep any value in one word on one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (value) => {
        const line = clabelLine('upstream', value);
        expect(line).not.toMatch(/[\r\n]/);
        const w = pluginsdWords(line);
        expect(w).toHaveLength(4);
        expect(w[3]).toBe('1');
        expect(w[2]).toBe(word(value));
      }),
    );
  });

  it('refuse label names Netdata would rewrite and unknown sources', () => {
    expect(() => clabelLine('up stream', 'x')).toThrow(ProtocolError);
    expect(() => clabelLine('9lives', 'x')).toThrow(ProtocolError);
    expect(() => clabelLine('upstream', 'x', 4)).toThrow(ProtocolError);
  });
});

describe('BEGIN, SET, END and DISABLE', () => {
  it('write a collection', () => {
    expect(beginLine('upstream_doctor', 'requests_reports')).toBe('BEGIN upstream_doctor.requests_reports');
    expect(setLine('status_502', 71)).toBe('SET status_502 = 71');
    expect(pluginsdWords(setLine('rate_502', -3))).toEqual(['SET', 'rate_502', '-3']);
    expect(endLine()).toBe('END');
    expect(disableLine()).toBe('DISABLE');
  });

  it('SET takes whole numbers only (Netdata 1.37 drops the fraction)', () => {
    expect(() => setLine('p95', 0.25)).toThrow(ProtocolError);
    expect(() => setLine('p95', NaN)).toThrow(ProtocolError);
    expect(() => setLine('p95', 2 ** 60)).toThrow(ProtocolError);
    expect(() => setLine('bad id', 1)).toThrow(ProtocolError);
    expect(() => beginLine('upstream_doctor', '127.0.0.1:80')).toThrow(ProtocolError);
  });

  it('scales shown values to whole numbers with the dimension divisor', () => {
    expect(scaled(20.520231, 1, 10_000)).toBe(205202);
    expect(scaled(0.0452, 1, 1_000_000)).toBe(45200);
    expect(scaled(3, 1, 1)).toBe(3);
    expect(scaled(1e300, 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(1, 1000, 10_000, 1_000_000), (v, div) => {
        const n = scaled(v, 1, div);
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(Math.abs(n / div - v)).toBeLessThanOrEqual(0.5 / div + 1e-9 * v);
      }),
    );
  });
});

describe('ids', () => {
  it('sanitise addresses to ids Netdata keeps as they are', () => {
    expect(sanitizeId('10.0.0.5:8080')).toBe('10_0_0_5_8080');
    expect(sanitizeId('backend-1.internal:80')).toBe('backend-1_internal_80');
    expect(sanitizeId('reports')).toBe('reports');
    expect(sanitizeId('-')).toBe(`x-_h${hash('-')}`);
    expect(sanitizeId('')).toBe(`x_h${hash('')}`);
  });

  it('tell apart names that differ only in characters an id cannot hold', () => {
    expect(sanitizeId('a_b')).not.toBe(sanitizeId('a/b'));
    expect(sanitizeId('[::1]:8080')).toMatch(/^___1__8080_h[0-9a-f]{8}$/);
    expect(sanitizeId('unix:/run/app.sock')).toMatch(/^unix__run_app_sock_h[0-9a-f]{8}$/);
  });

  it('always give a valid id within the length asked for, the same one every time', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 12, max: MAX_ID_LENGTH }), (raw, max) => {
        const id = sanitizeId(raw, max);
        expect(isValidId(id)).toBe(true);
        expect(id.length).toBeLessThanOrEqual(max);
        expect(sanitizeId(raw, max)).toBe(id);
      }),
    );
  });

  it('quote() output never breaks the line', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const q = quote(s);
        expect(q).not.toMatch(/[\r\n]/);
        expect(pluginsdWords(`X ${q} Y`)).toHaveLength(3);
      }),
    );
  });
});
