// Backend slower than proxy_read_timeout: header timeouts (504) and a P95 creeping up to the limit.
import { clamp01, pct, plural, secs, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';
import { THRESHOLDS } from '../thresholds';

const P95_WARN_RATIO = THRESHOLDS.p95ReadTimeoutRatio;

export function upstreamTimeout(s: Signals): Finding {
  const failures = upstreamFailures(s);
  const evidence: string[] = [];
  let fromTimeouts = 0;
  if (s.failedTimeout > 0) {
    fromTimeouts = weight(s.failedTimeout) * clamp01(s.failedTimeout / failures) * rateWeight(failures, s);
    const logged = errorsOf(s, 'timed_out', 'reading_response_header');
    evidence.push(
      `${plural(s.failedTimeout, 'attempt')} on ${s.upstream} timed out waiting for the response header (504)` +
        (logged > 0 ? `; error log: ${logged} "upstream timed out … while reading response header"` : ''),
    );
  }
  let fromP95 = 0;
  const limit = s.proxyReadTimeout;
  if (limit !== null && Number.isFinite(s.p95) && s.attempts >= 10) {
    const ratio = s.p95 / limit;
    // Attempts that sat at the limit only because a body stalled are not a slow backend.
    const slowShare = s.nearReadTimeout > 0 ? clamp01(1 - s.bodyStalls / s.nearReadTimeout) : 1;
    if (ratio >= P95_WARN_RATIO) fromP95 = (0.55 + 0.45 * clamp01((ratio - P95_WARN_RATIO) / 0.2)) * slowShare;
    if (ratio >= P95_WARN_RATIO || fromTimeouts > 0) {
      evidence.push(
        `P95 upstream response time ${secs(s.p95)} is ${pct(s.p95, limit)} of proxy_read_timeout ${secs(limit)}` +
          ` (warning above ${pct(P95_WARN_RATIO, 1)}); ${s.nearReadTimeout} of ${s.attempts} attempts reached 80 % of it`,
      );
    }
  }
  if (fromTimeouts === 0 && fromP95 === 0) return NONE;
  return { score: Math.max(fromTimeouts, fromP95), evidence };
}
