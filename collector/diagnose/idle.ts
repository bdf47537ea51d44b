// Reading idle-gap histograms: which idle gaps came before a pooled connection that was dead on contact,
// and which before an attempt that worked. Two shapes matter:
//   threshold — everything idle longer than T fails (something forgets flows silently after T);
//   band      — only gaps just under T fail, longer ones work again (the backend closes at T and nginx
//               notices, except for requests that cross the close on the wire).
// Successful attempts count whether or not nginx logged them as reused: a new connection on a fast
// network also shows connect time 0.000.
import { GAP_BOUNDS_S, bucketLower } from '../aggregate/buckets';

export interface IdleAnalysis {
  fails: number;
  oks: number;
  /** Threshold model: fail iff idle >= threshold. */
  threshold: number;
  thresholdAccuracy: number;
  okAboveThreshold: number;
  failAboveThreshold: number;
  /** Longest idle (bucket upper bound) that still worked below the threshold; 0 when none. */
  okBelowMax: number;
  /** Band model: fail iff bandLo <= idle < bandHi. */
  bandLo: number;
  bandHi: number;
  bandAccuracy: number;
  /** Attempts idle longer than the band that worked. */
  okAboveBand: number;
  /** Failures idle shorter or longer than the band: what the band model does not explain. */
  failOutsideBand: number;
}

export function analyzeIdle(reusedOk: number[], reusedFail: number[], freshOk: number[]): IdleAnalysis | null {
  const n = reusedFail.length;
  const ok = reusedOk.map((v, i) => v + freshOk[i]);
  const fails = sum(reusedFail, 0, n);
  const oks = sum(ok, 0, n);
  if (fails === 0) return null;
  const okPre = prefix(ok);
  const failPre = prefix(reusedFail);
  const okIn = (lo: number, hi: number) => okPre[hi] - okPre[lo];
  const failIn = (lo: number, hi: number) => failPre[hi] - failPre[lo];

  // Best band [lo, hi) in buckets: most attempts classified right; ties keep the narrowest, lowest band.
  let best = { lo: 0, hi: n, correct: -1 };
  let bestThreshold = { lo: 0, correct: -1 };
  for (let lo = 0; lo < n; lo++) {
    for (let hi = lo + 1; hi <= n; hi++) {
      const correct = failIn(lo, hi) + (oks - okIn(lo, hi));
      if (correct > best.correct) best = { lo, hi, correct };
      if (hi === n && correct > bestThreshold.correct) bestThreshold = { lo, correct };
    }
  }
  // Shrink both to the buckets that hold failures: the edges reported are the ones observed.
  while (best.lo < best.hi - 1 && reusedFail[best.lo] === 0) best.lo++;
  while (best.hi > best.lo + 1 && reusedFail[best.hi - 1] === 0) best.hi--;
  while (bestThreshold.lo < n - 1 && reusedFail[bestThreshold.lo] === 0 && ok[bestThreshold.lo] === 0) bestThreshold.lo++;
  const total = fails + oks;
  let okBelowMax = 0;
  for (let i = 0; i < bestThreshold.lo; i++) if (ok[i] > 0) okBelowMax = GAP_BOUNDS_S[i];
  return {
    fails,
    oks,
    threshold: bucketLower(GAP_BOUNDS_S, bestThreshold.lo),
    thresholdAccuracy: bestThreshold.correct / total,
    okAboveThreshold: okIn(bestThreshold.lo, n),
    failAboveThreshold: failIn(bestThreshold.lo, n),
    okBelowMax,
    bandLo: bucketLower(GAP_BOUNDS_S, best.lo),
    bandHi: best.hi === n ? Infinity : bucketLower(GAP_BOUNDS_S, best.hi),
    bandAccuracy: best.correct / total,
    okAboveBand: okIn(best.hi, n),
    failOutsideBand: fails - failIn(best.lo, best.hi),
  };
}

function prefix(a: number[]): number[] {
  const p = [0];
  for (const v of a) p.push(p[p.length - 1] + v);
  return p;
}

function sum(a: number[], lo: number, hi: number): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += a[i];
  return s;
}
