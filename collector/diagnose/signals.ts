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
  /** Attempts answered whole inside the failure windows. */
  spanOkAttempts: number;
  /** Windows with failures, and windows with any traffic, of this upstream in the range. */
  failWindowCount: number;
  windowCount: number;
  /** The upstream was still failing in its last window with traffic. */
  failsToEnd: boolean;

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
  /** Failures the error log calls a reset or an early close, the access log not saying when (no timings). */
  failedClosed: number;
  /** Failures (502 / 504) with no upstream fields and no error-log line to say how. */
  failedUnlogged: number;
  /** 2xx responses whose body a reset or close cut short (from the error log). */
  bodyCuts: number;
  /** Attempts inferred from the config and the error log (the access log names no upstream). */
  inferred: number;
  /** Attempts that got their whole response. */
  okAttempts: number;
  /** Whether the upstream keeps idle connections (`keepalive N`): 0.000 means "reused" only where it does. */
  pooling: 'yes' | 'no' | 'unknown';
  /** The server to name as the culprit (the upstream key, or the one server of a group the errors blame). */
  culprit: string;
  /** What the access logs' formats log, as AccessRecord.logged bits: what was there to see. */
  logged: number;
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
