// When all there is to go on is the client's status (a `combined` access log, no error log to say how
// requests failed): the shape of the 502s over time is a lead, not a verdict. Failures that take most
// requests down together and then stop look like a backend dying and coming back; failures that start
// and never stop look like nothing listening any more. Scores stay under the naming threshold, so the
// report says "unexplained, closest …" and lists what to log to know.
import { clamp01, pct, plural } from '../wording';
import type { Signals } from '../signals';
import { NONE, type Finding } from './types';

/** Leads are never named by themselves. */
const CAP = 0.45;

function unlogged(s: Signals): number {
  return s.failedUnlogged;
}

const WHAT_TO_LOG = 'the access log has no $upstream_* fields and no error log was read: how they failed is not known';

export function crashFromStatuses(s: Signals): Finding {
  const n = unlogged(s);
  if (n < 3 || s.failsToEnd) return NONE;
  // Most requests inside the failure windows died: they went down together.
  const together = n / Math.max(1, n + s.spanOkAttempts);
  const recovered = s.okAttempts > 0 ? 1 : 0;
  const score = CAP * clamp01((together - 0.2) / 0.4) * recovered;
  if (score <= 0) return NONE;
  return {
    score,
    evidence: [
      `${plural(n, 'request')} to ${s.culprit} ended 502 in bursts (${pct(n, n + s.spanOkAttempts)} of the requests while it failed), and it answered again after each`,
      WHAT_TO_LOG,
    ],
  };
}

export function unreachableFromStatuses(s: Signals): Finding {
  const n = unlogged(s);
  if (n < 3 || !s.failsToEnd) return NONE;
  const share = n / Math.max(1, n + s.spanOkAttempts);
  const score = CAP * clamp01((share - 0.5) / 0.4);
  if (score <= 0) return NONE;
  return {
    score,
    evidence: [`${plural(n, 'request')} to ${s.culprit} ended 502 from ${new Date(s.failFrom).toISOString()} on, ${pct(share, 1)} of them, and it did not recover`, WHAT_TO_LOG],
  };
}
