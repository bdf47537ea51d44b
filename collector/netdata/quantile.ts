// A quantile from fixed histogram buckets, the way Prometheus's histogram_quantile() computes it, so a
// Netdata chart and a PromQL panel over the same buckets show the same P95.

/**
 * `bounds` are the finite upper bounds in ascending order; `counts` holds one count per bound plus the
 * overflow (+Inf) count last, not cumulative. Returns null when there are no observations. Within a
 * bucket the observations are taken as spread evenly (linear interpolation from the previous bound, or
 * from 0 in the first bucket); a rank in the overflow bucket gives the highest finite bound.
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number | null {
  if (counts.length !== bounds.length + 1) throw new RangeError(`expected ${bounds.length + 1} bucket counts, got ${counts.length}`);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside 0..1`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const upTo = below + counts[i];
    if (upTo >= rank && counts[i] > 0) {
      const upper = bounds[i];
      // A first bucket whose upper bound is 0 (or less) holds exactly that value.
      if (i === 0 && upper <= 0) return upper;
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + ((upper - lower) * (rank - below)) / counts[i];
    }
    below = upTo;
  }
  return bounds.length ? bounds[bounds.length - 1] : null;
}
