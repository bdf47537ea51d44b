// Quantiles from buckets with Prometheus histogram_quantile()'s rules, checked on hand-worked cases.
import fc from 'fast-check';
import { CONNECT_BUCKETS_S, LATENCY_BUCKETS_S } from '../metrics/catalogue';
import { histogramQuantile } from './quantile';

describe('histogramQuantile', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // 10 observations up to 1 s, 10 between 1 and 2 s: rank 19 of 20 is 9/10 into the second bucket.
    expect(histogramQuantile(0.95, [1, 2, 4], [10, 10, 0, 0])).toBeCloseTo(1.9, 12);
    // Rank 10 sits exactly on the first bucket's upper edge.
    expect(histogramQuantile(0.5, [1, 2, 4], [10, 10, 0, 0])).toBeCloseTo(1, 12);
    // The first bucket starts at 0.
    expect(histogramQuantile(0.5, [0.1, 1], [4, 0, 0])).toBeCloseTo(0.05, 12);
  });

  it('skips empty buckets below the rank', () => {
    expect(histogramQuantile(0.5, [1, 2, 4, 8], [0, 0, 2, 0, 0])).toBeCloseTo(3, 12);
  });

  it('gives the highest finite bound when the rank falls in +Inf', () => {
    expect(histogramQuantile(0.95, [1, 2], [1, 0, 99])).toBe(2);
  });

  it('gives 0 for a first bucket bounded at 0 (reused connections)', () => {
    expect(histogramQuantile(0.5, CONNECT_BUCKETS_S, [10, ...new Array<number>(CONNECT_BUCKETS_S.length).fill(0)])).toBe(0);
  });

  it('gives null without observations and refuses a wrong layout', () => {
    expect(histogramQuantile(0.95, [1, 2], [0, 0, 0])).toBeNull();
    expect(() => histogramQuantile(0.95, [1, 2], [1, 2])).toThrow(RangeError);
    expect(() => histogramQuantile(1.5, [1, 2], [1, 2, 0])).toThrow(RangeError);
  });

  it('grows with q and stays within the bounds', () => {
    const n = LATENCY_BUCKETS_S.length + 1;
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: n, maxLength: n }), fc.double({ min: 0.01, max: 0.98, noNaN: true }), (counts, q) => {
        const a = histogramQuantile(q, LATENCY_BUCKETS_S, counts);
        const b = histogramQuantile(Math.min(1, q + 0.01), LATENCY_BUCKETS_S, counts);
        if (counts.every((c) => c === 0)) return expect(a).toBeNull();
        expect(a!).toBeGreaterThanOrEqual(0);
        expect(a!).toBeLessThanOrEqual(LATENCY_BUCKETS_S[LATENCY_BUCKETS_S.length - 1]);
        expect(b!).toBeGreaterThanOrEqual(a! - 1e-9);
      }),
    );
  });
});
