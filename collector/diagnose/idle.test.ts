import { GAP_BOUNDS_S, bucketIndex } from '../aggregate/buckets';
import { splitByIdle } from './idle';

function hist(gaps: number[]): number[] {
  const h = new Array(GAP_BOUNDS_S.length).fill(0);
  for (const g of gaps) h[bucketIndex(GAP_BOUNDS_S, g)]++;
  return h;
}

describe('splitByIdle', () => {
  it('finds the interval that separates working from dead reuses', () => {
    const split = splitByIdle(hist([0.1, 0.2, 0.3, 0.25]), hist([1.7, 2.1, 2.4]), hist([]))!;
    expect(split.accuracy).toBe(1);
    expect(split.failLong).toBe(3);
    expect(split.okLong).toBe(0);
    expect(split.okShortMax).toBeGreaterThanOrEqual(0.3);
    expect(split.failMin).toBeLessThanOrEqual(1.7);
    expect(split.failMin).toBeGreaterThan(1.4);
    expect(split.freshLong).toBe(0);
  });

  it('counts fresh connections after long idle (nginx saw the close)', () => {
    const split = splitByIdle(hist([0.1, 0.2]), hist([0.8, 0.82]), hist([1.6, 1.7, 0.05]))!;
    expect(split.freshLong).toBe(2);
  });

  it('reports a poor split when long reuses also work', () => {
    const split = splitByIdle(hist([0.1, 3, 3.2, 2.9]), hist([0.05, 1.1, 0.06]), hist([]))!;
    expect(split.accuracy).toBeLessThan(0.9);
  });

  it('returns null without failures', () => {
    expect(splitByIdle(hist([1]), hist([]), hist([]))).toBeNull();
  });
});
