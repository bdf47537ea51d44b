// What one upstream attempt was, decided from its logged fields alone plus what the upstream's history
// says a round trip takes: reused or new connection, failed or stalled or fine, dead on contact or dead
// mid-request, and the one failure kind it counts under. Pure: the aggregator counts what this returns,
// and the exporters label by it, so every consumer agrees on what an attempt was.
import type { Attempt } from '../parse/types';

/** One kind per failed attempt, so the kinds of an upstream add up to its failed attempts. */
export const FAILURE_KINDS = ['connect', 'timeout', 'dead_on_reuse', 'dead_on_new', 'mid_request', 'closed', 'unlogged'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/**
 * A failed attempt counts as "on contact" (the connection was dead when nginx used it) when it ended
 * within about one round trip: at most this long, or 1.2× the fastest response header seen from that
 * upstream, whichever is larger. Anything slower died mid-request.
 */
const CONTACT_FLOOR_S = 0.05;
const CONTACT_RTT_FACTOR = 1.2;

/** Whether the upstream keeps a pool of idle connections (`keepalive N` in its group); unknown without a config. */
export type Pooling = 'yes' | 'no' | 'unknown';

export interface AttemptContext {
  /** proxy_read_timeout nginx applies to the upstream, seconds. */
  readTimeoutS: number;
  /**
   * A connect time of 0.000 means a pooled connection was reused only where there is a pool: nginx
   * logs 0.000 for a new connection on loopback or a fast LAN too.
   */
  pooling: Pooling;
  /** Fastest response header seen from the upstream so far, seconds (Infinity before the first). */
  minHeaderS: number;
}

export interface AttemptClass {
  /** A pooled keepalive connection was reused (connect time 0.000). */
  reused: boolean;
  /** A new connection was made (connect time above 0). */
  fresh: boolean;
  /** nginx gave up on the attempt (reset, close, refusal, timeout) before a response header. */
  failed: boolean;
  /** The header came quickly, the body stalled into proxy_read_timeout. */
  stalled: boolean;
  /** For a failure: it ended within a round trip, so the connection was dead when used. */
  onContact: boolean;
  /** A proxy_next_upstream retry (not the first try, not after an internal redirect). */
  retry: boolean;
  /** The response took at least 80 % of proxy_read_timeout. */
  nearReadTimeout: boolean;
  /** The header came, then the body was cut off by a reset or close (from the error log). */
  cut: boolean;
  /** The attempt is not in the log but inferred from the config and the error log: its times are unknown. */
  inferred: boolean;
  /** The failure's one kind, null when it did not fail. */
  kind: FailureKind | null;
}

export function classifyAttempt(a: Attempt, index: number, ctx: AttemptContext): AttemptClass {
  const inferred = a.inferred === true;
  const zero = a.connect === 0;
  const reused = zero && ctx.pooling !== 'no';
  const fresh = a.connect > 0 || (zero && ctx.pooling === 'no');
  // nginx writes 502/504 for an attempt it gave up on; with no response header it was not the app's own 5xx.
  const failed = (a.status === 502 || a.status === 504) && !(a.header >= 0) && !a.cut;
  const readTimeout = ctx.readTimeoutS;
  const stalled = !failed && a.header >= 0 && a.response - a.header >= 0.9 * readTimeout && a.header < 0.5 * readTimeout;
  const contactLimit = Math.max(CONTACT_FLOOR_S, CONTACT_RTT_FACTOR * (Number.isFinite(ctx.minHeaderS) ? ctx.minHeaderS : 0));
  const onContact = failed && !inferred && !(a.response > contactLimit);
  return {
    reused,
    fresh,
    failed,
    stalled,
    onContact,
    retry: index > 0 && !a.afterRedirect,
    nearReadTimeout: a.response >= 0.8 * readTimeout,
    cut: a.cut === true && !stalled,
    inferred,
    kind: failed ? (inferred ? inferredKind(a) : failureKind(reused, fresh, a.status, onContact)) : null,
  };
}

/** A failure known only from the access status and the error log: its kind is what the error line says. */
function inferredKind(a: Attempt): FailureKind {
  const how = a.how;
  if (!how) return a.status === 504 ? 'timeout' : 'unlogged';
  if (how.phase === 'connecting' || how.cls === 'refused' || how.cls === 'unreachable' || how.cls === 'no_live_upstreams') return 'connect';
  if (how.cls === 'timed_out') return 'timeout';
  return 'closed';
}

/**
 * The counters a failure feeds overlap (a 504 before any connection is both a connect failure and a
 * timeout); a kind must not, so the first that applies wins.
 */
function failureKind(reused: boolean, fresh: boolean, status: number, onContact: boolean): FailureKind {
  if (!reused && !fresh) return 'connect';
  if (status === 504) return 'timeout';
  if (!onContact) return 'mid_request';
  return reused ? 'dead_on_reuse' : 'dead_on_new';
}
