import { GAP_BOUNDS_S, bucketIndex } from '../aggregate/buckets';
import { analyzeIdle } from './idle';

function hist(gaps: number[]): number[] {
  const h = new Array(GAP_BOUNDS_S.length).fill(0);
  for (const g of gaps) h[bucketIndex(GAP_BOUNDS_S, g)]++;
  return h;
}
const none = hist([]);

describe('analyzeIdle', () => {
  it('finds a threshold when everything idle past it fails (middlebox shape)', () => {
    const a = analyzeIdle(hist([0.1, 0.2, 0.3, 0.25, 0.8]), hist([1.7, 2.1, 2.4]), none)!;
    expect(a.thresholdAccuracy).toBe(1);
    expect(a.failAboveThreshold).toBe(3);
    expect(a.okAboveThreshold).toBe(0);
    expect(a.okBelowMax).toBeGreaterThanOrEqual(0.8);
    expect(a.threshold).toBeGreaterThan(0.8);
    expect(a.threshold).toBeLessThanOrEqual(1.7);
    expect(a.okAboveBand).toBe(0);
  });

  it('finds a band when longer idle works again (race shape), counting fresh connections as working', () => {
    const a = analyzeIdle(hist([0.1, 0.2, 2.0]), hist([0.95, 1.0, 1.05]), hist([1.6, 1.8]))!;
    expect(a.bandAccuracy).toBe(1);
    expect(a.bandLo).toBeLessThanOrEqual(0.95);
    expect(a.bandHi).toBeGreaterThan(1.05);
    expect(a.bandHi).toBeLessThanOrEqual(1.6);
    expect(a.okAboveBand).toBe(3);
    expect(a.thresholdAccuracy).toBeLessThan(1);
  });

  it('shows no clean shape when working and failing reuses share the same idle gaps', () => {
    const a = analyzeIdle(hist([0.05, 1, 1.1, 3, 3.2, 0.5]), hist([0.05, 1.05, 3.1, 0.5]), none)!;
    expect(a.bandAccuracy).toBeLessThan(0.8);
  });

  it('returns null without failures', () => {
    expect(analyzeIdle(hist([1]), none, none)).toBeNull();
  });
});
