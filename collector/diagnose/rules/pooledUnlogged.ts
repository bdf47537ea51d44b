// Dead pooled connections when the access log cannot show reuse (no `$upstream_connect_time`, often no
// `$upstream_*` at all): the error log still says a reset or an early close killed requests while the
// backend kept answering, nothing was refused, and the group keeps a keepalive pool. How the connections
// ended tells the three causes apart as far as it can — a backend closing its own idle connections sends
// a FIN ("upstream prematurely closed"), a middlebox that forgot the flow or a dropped pool answers with a
// RST (104) — and failures several at once point at a whole pool lost together. Without the idle gaps
// these are leads, not proof: the scores stay below what measured idle gaps earn.
import type { CauseId } from '../causes';
import { errorsOf, type Signals } from '../signals';
import { clamp01, plural, weight } from '../wording';
import { rateWeight, upstreamFailures, type Finding, NONE } from './types';

type PooledCause = Extract<CauseId, 'keepalive_idle_race' | 'middlebox_idle_timeout' | 'keepalive_reuse_closed'>;

/** The most such a verdict may score: enough to lead, with `missing` saying what would settle it. */
const CAP = 0.7;

interface Lead {
  base: number;
  fins: number;
  resets: number;
  finShare: number;
  clustered: number;
  failures: number;
}

function lead(s: Signals): Lead | null {
  const n = s.failedClosed;
  if (n < 2 || s.failedReusedImmediate > 0) return null;
  // A restart or an outage refuses connections; dead pooled connections do not.
  if (s.failedConnect > 0 || s.comebacks > 0 || s.pooling === 'no') return null;
  const fins = errorsOf(s, 'prematurely_closed', 'reading_response_header') + errorsOf(s, 'broken_pipe', 'sending_request');
  const resets = errorsOf(s, 'reset_by_peer', 'reading_response_header') + errorsOf(s, 'reset_by_peer', 'sending_request');
  if (fins + resets < 2) return null;
  const failures = upstreamFailures(s);
  let inEpisodes = 0;
  let inClusters = 0;
  for (const e of s.episodes) {
    inEpisodes += e.size;
    if (e.size >= 3) inClusters += e.size;
  }
  const pooled = s.pooling === 'yes' ? 1 : 0.7;
  return {
    base: CAP * pooled * weight(n, 4) * clamp01(n / failures) * rateWeight(failures, s) * clamp01(s.okAttempts / Math.max(1, n)),
    fins,
    resets,
    finShare: fins / (fins + resets),
    clustered: inEpisodes ? inClusters / inEpisodes : 0,
    failures,
  };
}

export function unloggedPool(s: Signals, cause: PooledCause): Finding {
  const l = lead(s);
  if (!l) return NONE;
  const fit =
    cause === 'keepalive_idle_race'
      ? l.finShare * (1 - 0.7 * l.clustered)
      : cause === 'middlebox_idle_timeout'
        ? (1 - l.finShare) * (1 - l.clustered)
        : (1 - l.finShare) * l.clustered;
  const score = l.base * fit;
  if (score <= 0) return NONE;
  const ending =
    l.finShare >= 0.5
      ? `error log: ${plural(l.fins, 'request')} hit a connection the backend had closed ("upstream prematurely closed connection"), ${l.resets} reset by peer`
      : `error log: ${l.resets} "recv() failed (104: Connection reset by peer)" while reading the response header, ${l.fins} closed by the backend`;
  const evidence = [
    `${l.failures} of ${plural(s.attempts, 'request')} to ${s.culprit} failed on a connection that died under them, while ${s.okAttempts} others were answered and no connect was refused`,
    ending,
    s.pooling === 'yes' ? `the upstream keeps idle connections (keepalive), so these can be pooled connections that were dead when reused` : 'if the upstream keeps idle connections (keepalive), these can be pooled connections that were dead when reused',
  ];
  if (l.clustered >= 0.5) evidence.push('the failures came several at once: a whole pool lost together');
  evidence.push('the access log has no $upstream_connect_time: reuse and the idle time before each failure cannot be measured, so this is a lead, not a measurement');
  return { score, evidence };
}
