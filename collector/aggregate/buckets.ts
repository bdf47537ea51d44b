// Fixed bucket layouts. Fixed (not adaptive) so windows merge by adding arrays, memory per window is
// constant, and the Prometheus exporter can publish the same boundaries.

/** Upper bounds (seconds) for `$upstream_connect_time`. The first bucket holds exactly 0: a reused connection. */
export const CONNECT_BOUNDS_S = [0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];

/**
 * Upper bounds (seconds) for the idle gap before an attempt. Geometric, 15 % apart, from 5 ms to two
 * hours: fine enough to tell a 5 s backend keepalive from a 60 s load-balancer timeout.
 */
export const GAP_BOUNDS_S: number[] = (() => {
  const bounds: number[] = [];
  for (let b = 0.005; b < 7200; b *= 1.15) bounds.push(Number(b.toPrecision(3)));
  bounds.push(Infinity);
  return bounds;
})();

/** Upper bounds (bytes) for response sizes: powers of two from 64 B to 1 GiB. */
export const SIZE_BOUNDS_B: number[] = (() => {
  const bounds: number[] = [];
  for (let b = 64; b <= 2 ** 30; b *= 2) bounds.push(b);
  bounds.push(Infinity);
  return bounds;
})();

/** Index of the first bucket whose upper bound is >= value (binary search; bounds end with Infinity). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= bounds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Lower edge of bucket i (the previous bucket's upper bound), 0 for the first. */
export function bucketLower(bounds: readonly number[], i: number): number {
  return i === 0 ? 0 : bounds[i - 1];
}
