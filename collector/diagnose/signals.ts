// The measurements the rules look at, for one upstream over one time range. Plain numbers and arrays
// (no sketches, no Node types) so rules are pure functions and tests can write signals by hand.

export interface KernelHit {
  time: number;
  kind: 'oom_kill' | 'killed' | 'segfault';
  pid: number;
  process: string;
  /** True when the upstream had failed attempts within one window of this event. */
  nearFailures: boolean;
}

export interface Signals {
  upstream: string;
  /** Epoch ms span of the windows these signals cover. */
  from: number;
  to: number;
  /** Epoch ms span of the windows in which this upstream failed (NaN when it never did). */
  failFrom: number;
  failTo: number;
  /** Attempts and client requests inside the failure windows: the denominator of a spike's rate. */
  spanAttempts: number;
  spanRequests: number;

  requests: number;
  status499: number;
  status502: number;
  status504: number;
  status5xx: number;

  attempts: number;
  retries: number;
  reused: number;
  fresh: number;
  failed: number;
  failedReused: number;
  failedReusedImmediate: number;
  failedFresh: number;
  failedConnect: number;
  failedTimeout: number;
  failedMidRequest: number;
  bodyStalls: number;
  nearReadTimeout: number;
  /** Times the upstream answered again after refusing connections: it was restarting. */
  comebacks: number;

  p50: number;
  p95: number;
  p99: number;
  headerP95: number;
  /** Seconds, from the nginx config; null when no config was given. */
  proxyReadTimeout: number | null;
  keepalive: number | null;
  keepaliveTimeout: number | null;

  /** Error-log events by `class/phase`. */
  errors: Record<string, number>;
  kernel: KernelHit[];
  /** Whether a kernel log was read at all (absence of OOM lines means something only then). */
  kernelLogRead: boolean;

  /** Idle-gap histograms over GAP_BOUNDS_S. */
  gapReusedOk: number[];
  gapReusedFail: number[];
  gapFreshOk: number[];
  gapFreshFail: number[];
  /** Size histograms over SIZE_BOUNDS_B: successful responses, and what failing attempts had received. */
  okSizes: number[];
  failSizes: number[];
  episodes: Array<{ start: number; gap: number; size: number }>;
}

export function errorsOf(s: Signals, cls: string, phase?: string): number {
  if (phase !== undefined) return s.errors[`${cls}/${phase}`] ?? 0;
  let n = 0;
  for (const [k, v] of Object.entries(s.errors)) if (k.startsWith(cls + '/')) n += v;
  return n;
}
