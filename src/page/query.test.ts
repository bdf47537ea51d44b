import fc from 'fast-check';
import {
  DEFAULT_REFRESH_MS,
  MAX_REFRESH_MS,
  MAX_SPAN_MS,
  MAX_TIME_MS,
  MIN_REFRESH_MS,
  parseRefresh,
  parseTime,
  readParams,
  writeParams,
} from './query';

describe('page URL state', () => {
  it('reads RFC 3339 and epoch-millisecond times, as the API does', () => {
    expect(parseTime('2026-11-20T23:34:00Z')).toBe(Date.UTC(2026, 10, 20, 23, 34));
    expect(parseTime('1795217640000')).toBe(1795217640000);
    expect(parseTime('yesterday')).toBeUndefined();
    expect(parseTime(null)).toBeUndefined();
  });

  it('round-trips a drill-down', () => {
    const p = readParams('?from=2026-11-20T23:34:00.000Z&to=2026-11-20T23:34:10.000Z&upstream=10.0.0.1%3A80&theme=light&refresh=0');
    expect(p).toEqual({
      query: { from: Date.UTC(2026, 10, 20, 23, 34), to: Date.UTC(2026, 10, 20, 23, 34, 10), upstream: '10.0.0.1:80' },
      theme: 'light',
      refreshMs: 0,
    });
    expect(readParams(writeParams(p))).toEqual(p);
  });

  it('ignores a window that ends before it starts, and unknown themes', () => {
    const p = readParams('?from=2000&to=1000&theme=neon&refresh=-3');
    expect(p).toEqual({ query: {}, theme: null, refreshMs: DEFAULT_REFRESH_MS });
    expect(writeParams(p)).toBe('');
  });
});

describe('hand-edited URLs', () => {
  it('ignores times a Date cannot hold or that are not times at all, instead of throwing', () => {
    for (const v of ['99999999999999999', '1e20', '-5', '+275760-09-13T00:00:00.001Z', 'Infinity', 'NaN', '0x10', '12:00', '2026-13-45T99:99:99Z']) {
      expect([v, parseTime(v)]).toEqual([v, undefined]);
    }
    expect(readParams('?from=99999999999999999&to=99999999999999999999').query).toEqual({});
    expect(readParams('?from=1&to=99999999999999999').query).toEqual({});
    expect(parseTime(String(MAX_TIME_MS))).toBe(MAX_TIME_MS);
    expect(parseTime(String(MAX_TIME_MS + 1))).toBeUndefined();
  });

  it('ignores a window longer than a month, keeps one just within it', () => {
    expect(readParams(`?from=0&to=${MAX_SPAN_MS + 1}`).query).toEqual({});
    expect(readParams(`?from=0&to=${MAX_SPAN_MS}`).query).toEqual({ from: 0, to: MAX_SPAN_MS });
  });

  it('refreshes no faster than every 5 s and no slower than hourly; 0 turns it off; junk means the default', () => {
    expect(parseRefresh('0.001')).toBe(MIN_REFRESH_MS);
    expect(parseRefresh('1')).toBe(MIN_REFRESH_MS);
    expect(parseRefresh('30')).toBe(30_000);
    expect(parseRefresh('1e9')).toBe(MAX_REFRESH_MS);
    expect(parseRefresh('0')).toBe(0);
    expect(parseRefresh('-1')).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh('fast')).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh('Infinity')).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh('')).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh(null)).toBe(DEFAULT_REFRESH_MS);
  });

  it('drops an upstream name longer than the collector accepts', () => {
    expect(readParams(`?upstream=${'a'.repeat(257)}`).query).toEqual({});
    expect(readParams(`?upstream=${'a'.repeat(256)}`).query.upstream).toHaveLength(256);
  });

  it('never throws on any query string, and what it reads is always usable and round-trips', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }).map(String),
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid' : d.toISOString())),
    );
    const key = fc.constantFrom('from', 'to', 'refresh', 'theme', 'upstream', 'x');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), (pairs) => {
        const search = `?${new URLSearchParams(pairs).toString()}`;
        const p = readParams(search);
        expect(p.refreshMs === 0 || (p.refreshMs >= MIN_REFRESH_MS && p.refreshMs <= MAX_REFRESH_MS)).toBe(true);
        if (p.query.from !== undefined) {
          expect(p.query.to! - p.query.from).toBeGreaterThan(0);
          expect(p.query.to! - p.query.from).toBeLessThanOrEqual(MAX_SPAN_MS);
        }
        expect(readParams(writeParams(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });
});
