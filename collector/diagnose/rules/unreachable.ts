// Nothing listens: connects refused or no live upstreams, and the upstream does not come back.
import { clamp01, pct, plural, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { NONE, rateWeight, type Finding } from './types';

export function upstreamUnreachable(s: Signals): Finding {
  const refused = errorsOf(s, 'refused');
  const noLive = errorsOf(s, 'no_live_upstreams');
  const unreachable = errorsOf(s, 'unreachable');
  const n = Math.max(s.failedConnect, refused + noLive + unreachable);
  if (n === 0) return NONE;
  const share = clamp01(s.failedConnect / Math.max(1, s.attempts));
  const sustained = s.comebacks === 0 ? 1 : 0.5;
  const score = weight(n) * Math.max(share, s.attempts === 0 ? 1 : 0) * sustained * rateWeight(n, s);
  const evidence = [
    `${s.failedConnect} of ${plural(s.attempts, 'attempt')} to ${s.upstream} (${pct(s.failedConnect, s.attempts)}) never connected`,
  ];
  const parts: string[] = [];
  if (refused) parts.push(`${refused} connection refused`);
  if (noLive) parts.push(`${noLive} no live upstreams`);
  if (unreachable) parts.push(`${unreachable} host or network unreachable`);
  if (parts.length) evidence.push(`error log: ${parts.join(', ')}`);
  evidence.push(s.comebacks === 0 ? 'it never answered in the whole range' : 'it answered again in between');
  return { score, evidence };
}
