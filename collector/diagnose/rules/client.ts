// Clients that leave first: 499s, with the upstream otherwise fine.
import { clamp01, pct, plural, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { NONE, upstreamFailures, type Finding } from './types';

export function clientAbort(s: Signals): Finding {
  const n = s.status499;
  if (n === 0) return NONE;
  const upstreamFaults = upstreamFailures(s);
  const rate = n / Math.max(1, s.requests);
  const score = weight(n) * clamp01(n / (n + upstreamFaults)) * clamp01(rate / 0.01);
  const closed = errorsOf(s, 'client_closed');
  const evidence = [
    `${n} of ${plural(s.requests, 'request')} (${pct(n, s.requests)}) ended 499: the client closed the connection before the response`,
    closed > 0 ? `error log: ${closed} "client prematurely closed connection"` : '',
    upstreamFaults === 0 ? `the upstream ${s.upstream} itself failed no attempt` : `${upstreamFaults} upstream failures besides`,
  ].filter(Boolean);
  return { score, evidence };
}
