// Nothing listens: connects refused or no live upstreams, and the upstream does not come back.
import { clamp01, pct, plural, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { unreachableFromStatuses } from './statusOnly';
import { rateWeight, type Finding } from './types';

export function upstreamUnreachable(s: Signals): Finding {
  const refused = errorsOf(s, 'refused');
  const noLive = errorsOf(s, 'no_live_upstreams');
  const unreachable = errorsOf(s, 'unreachable');
  const n = Math.max(s.failedConnect, refused + noLive + unreachable);
  if (n === 0) return unreachableFromStatuses(s);
  // Refusals followed by answers are a restart (backend_crash), not an outage.
  const sustained = s.comebacks === 0 ? (s.failsToEnd || s.okAttempts === 0 ? 1 : 0.6) : 0.3;
  const share = s.attempts > 0 ? clamp01(s.failedConnect / s.attempts) : 1;
  const score = weight(n) * Math.max(share, s.okAttempts === 0 ? 1 : 0) * sustained * rateWeight(n, s);
  const evidence: string[] = [];
  if (s.attempts > 0 && s.failedConnect > 0) {
    evidence.push(`${s.failedConnect} of ${plural(s.attempts, 'attempt')} to ${s.culprit} (${pct(s.failedConnect, s.attempts)}) never connected`);
  }
  const parts: string[] = [];
  if (refused) parts.push(`${refused} connection refused`);
  if (noLive) parts.push(`${noLive} no live upstreams`);
  if (unreachable) parts.push(`${unreachable} host or network unreachable`);
  if (parts.length) evidence.push(`error log: ${parts.join(', ')}`);
  if (s.okAttempts === 0) evidence.push('it answered no request in the whole range');
  else if (s.comebacks === 0) evidence.push(`it answered ${plural(s.okAttempts, 'request')}, but never again once it began refusing`);
  else evidence.push(`it answered again in between (${plural(s.comebacks, 'time')}): more like a restart than an outage`);
  return { score, evidence };
}
