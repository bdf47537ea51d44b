// Reading idle-gap histograms: does an idle interval separate reused connections that worked from
// those that were dead on contact, and did nginx itself know the connections had closed?
import { GAP_BOUNDS_S, bucketLower } from '../aggregate/buckets';

export interface IdleSplit {
  reusedOk: number;
  reusedFail: number;
  /** The split point: reuses idle at least this long count as "long". */
  threshold: number;
  failLong: number;
  okLong: number;
  failShort: number;
  /** Longest idle (bucket upper bound) after which a reuse still worked, below the threshold. */
  okShortMax: number;
  /** Shortest and longest idle (bucket edges) before a failing reuse. */
  failMin: number;
  failMax: number;
  /** Successful fresh connections after an idle of at least `failMin`: nginx had already dropped the pooled ones. */
  freshLong: number;
  /** Share of reuses the threshold classifies right (failing iff long). */
  accuracy: number;
}

export function splitByIdle(reusedOk: number[], reusedFail: number[], freshOk: number[]): IdleSplit | null {
  const okTotal = sum(reusedOk);
  const failTotal = sum(reusedFail);
  if (failTotal === 0) return null;
  const n = reusedOk.length;
  // Choose the boundary that classifies most reuses right; among equals, the one just below the first
  // failure, so the reported edge is the observed one.
  let best = 0;
  let bestCorrect = -1;
  let okBelow = 0;
  let failBelow = 0;
  for (let t = 0; t <= n; t++) {
    const correct = okBelow + (failTotal - failBelow);
    if (correct > bestCorrect) {
      bestCorrect = correct;
      best = t;
    }
    if (t < n) {
      okBelow += reusedOk[t];
      failBelow += reusedFail[t];
    }
  }
  const failFirst = reusedFail.findIndex((c) => c > 0);
  const failLast = lastIndex(reusedFail);
  let okShortLast = -1;
  for (let i = 0; i < best; i++) if (reusedOk[i] > 0) okShortLast = i;
  const failLong = sum(reusedFail.slice(best));
  return {
    reusedOk: okTotal,
    reusedFail: failTotal,
    threshold: bucketLower(GAP_BOUNDS_S, best),
    failLong,
    okLong: sum(reusedOk.slice(best)),
    failShort: failTotal - failLong,
    okShortMax: okShortLast >= 0 ? GAP_BOUNDS_S[okShortLast] : 0,
    failMin: bucketLower(GAP_BOUNDS_S, failFirst),
    failMax: GAP_BOUNDS_S[failLast],
    freshLong: sum(freshOk.slice(failFirst)),
    accuracy: bestCorrect / (okTotal + failTotal),
  };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function lastIndex(a: number[]): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] > 0) return i;
  return -1;
}
