// Path-MTU black hole: small packets pass, full-size ones vanish. Headers arrive, big bodies stall.
import { bytes, clamp01, plural, secs, weight } from '../wording';
import { SIZE_BOUNDS_B, bucketLower } from '../../aggregate/buckets';
import { errorsOf, type Signals } from '../signals';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';

export function pmtuBlackHole(s: Signals): Finding {
  const midBody = Math.max(
    s.bodyStalls,
    errorsOf(s, 'timed_out', 'reading_upstream') + errorsOf(s, 'reset_by_peer', 'reading_upstream'),
  );
  if (midBody === 0) return NONE;
  const failures = Math.max(upstreamFailures(s), midBody);
  const firstFail = s.failSizes.findIndex((c) => c > 0);
  const okTotal = s.okSizes.reduce((a, b) => a + b, 0);
  let okLarge = 0;
  let okMaxBucket = -1;
  for (let i = 0; i < s.okSizes.length; i++) {
    if (s.okSizes[i] > 0) okMaxBucket = i;
    if (firstFail >= 0 && i >= firstFail) okLarge += s.okSizes[i];
  }
  // "Only the large ones": most completed responses are smaller than where the stalled ones were cut,
  // or the cuts all land at the same byte count (the first full-size segment that never arrives).
  const separation = firstFail < 0 || okTotal === 0 ? 0.5 : 1 - okLarge / okTotal;
  const consistency = cutConsistency(s.failSizes);
  const sizeFit = Math.max(separation, 0.8 * consistency);
  const headerFast = s.proxyReadTimeout !== null && s.headerP95 < 0.5 * s.proxyReadTimeout ? 1 : 0.7;
  const score = weight(midBody) * clamp01(midBody / failures) * sizeFit * headerFast * rateWeight(failures, s);
  const evidence = [
    `${plural(midBody, 'response')} from ${s.upstream} stalled or broke mid-body after the header had arrived` +
      (s.bodyStalls > 0 && s.proxyReadTimeout !== null ? ` (ran into proxy_read_timeout ${secs(s.proxyReadTimeout)})` : ''),
  ];
  if (firstFail >= 0) {
    evidence.push(
      `the stalled ones were cut after ${bytes(bucketLower(SIZE_BOUNDS_B, firstFail))}–${bytes(SIZE_BOUNDS_B[lastNonZero(s.failSizes)])}` +
        (consistency >= 0.8 ? ' (all at about the same size); ' : '; ') +
        (okMaxBucket >= 0
          ? `${okTotal - okLarge} of ${okTotal} successful responses were smaller (largest ≤ ${bytes(SIZE_BOUNDS_B[okMaxBucket])})`
          : 'no response succeeded'),
    );
  }
  if (Number.isFinite(s.headerP95)) evidence.push(`response headers still came fast (P95 header time ${secs(s.headerP95)})`);
  return { score, evidence };
}

/** Share of cut sizes in the most common size bucket and its neighbours. */
function cutConsistency(sizes: number[]): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < 2) return 0;
  let best = 0;
  for (let i = 0; i < sizes.length; i++) {
    best = Math.max(best, (sizes[i - 1] ?? 0) + sizes[i] + (sizes[i + 1] ?? 0));
  }
  return best / total;
}

function lastNonZero(a: number[]): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] > 0) return i;
  return 0;
}
