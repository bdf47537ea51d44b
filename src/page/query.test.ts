import { DEFAULT_REFRESH_MS, parseTime, readParams, writeParams } from './query';

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
