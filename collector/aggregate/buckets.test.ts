import { CONNECT_BOUNDS_S, GAP_BOUNDS_S, SIZE_BOUNDS_B, bucketIndex, bucketLower } from './buckets';

describe('bucketIndex', () => {
  it('puts an exact 0 connect time in its own bucket', () => {
    expect(bucketIndex(CONNECT_BOUNDS_S, 0)).toBe(0);
    expect(bucketIndex(CONNECT_BOUNDS_S, 0.0005)).toBe(1);
    expect(bucketIndex(CONNECT_BOUNDS_S, 0.001)).toBe(1);
    expect(bucketIndex(CONNECT_BOUNDS_S, 99)).toBe(CONNECT_BOUNDS_S.length - 1);
  });

  it('agrees with a linear scan for every bound layout', () => {
    for (const bounds of [CONNECT_BOUNDS_S, GAP_BOUNDS_S, SIZE_BOUNDS_B]) {
      for (const v of [0, 0.003, 0.9, 1, 1.2, 5, 59.9, 60, 61, 4096, 70000, 1e12]) {
        const linear = bounds.findIndex((b) => v <= b);
        expect(bucketIndex(bounds, v)).toBe(linear);
        expect(bucketLower(bounds, linear)).toBeLessThanOrEqual(v);
      }
    }
  });

  it('keeps gap buckets fine enough to separate 5 s from 6 s', () => {
    expect(bucketIndex(GAP_BOUNDS_S, 5)).not.toBe(bucketIndex(GAP_BOUNDS_S, 6));
    expect(GAP_BOUNDS_S.length).toBeLessThan(120);
  });
});
