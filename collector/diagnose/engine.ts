// Scores every cause on every upstream, ranks them, and walks the flowchart to the verdict. Pure: the
// same signals always give the same verdict, in the collector, in tests and in the browser.
import { CAUSES, CAUSE_IDS, type CauseId } from './causes';
import { pct, plural } from './wording';
import { RULES } from './rules';
import { upstreamFailures } from './rules/types';
import type { Signals } from './signals';
import { THRESHOLDS } from './thresholds';
import { ROOT, UNEXPLAINED_LEAF, leafOf, pathTo } from './tree';

/** A cause is named when it scores at least this. */
export const NAMING_THRESHOLD = 0.5;
/** Below this many upstream failures a verdict that did not reach the naming threshold is still forming. */
export const MIN_FAILURES_TO_RULE_OUT = 5;

/**
 * How far the verdict got: `named` (a cause explains the failures), `collecting` (failures worth a look
 * but too few to tell the causes apart yet; `likely_cause` is the leading candidate, if any), `unexplained`
 * (enough failures, no known pattern), `healthy` (the logs could have shown failures and did not).
 */
export type VerdictStatus = 'named' | 'collecting' | 'unexplained' | 'healthy';

export interface CauseResult {
  id: CauseId;
  label: string;
  score: number;
  evidence: string[];
  window: { from: string; to: string };
  upstream: string;
  fix: string[];
}

export interface Verdict {
  likely_cause: CauseId;
  status: VerdictStatus;
  /** Upstream failures (failed attempts and mid-body stalls) the verdict weighed, all upstreams. */
  failures: number;
  summary: string;
  causes: CauseResult[];
  flowchart_path: string[];
}

export function judge(signals: readonly Signals[]): Verdict {
  const results: CauseResult[] = [];
  for (const id of CAUSE_IDS) {
    if (id === 'healthy') continue;
    let best: CauseResult | null = null;
    for (const s of signals) {
      const f = RULES[id](s);
      if (f.score > 0 && (!best || f.score > best.score)) best = result(id, round(f.score), f.evidence, s);
    }
    if (best) results.push(best);
  }
  results.sort((a, b) => b.score - a.score || CAUSE_IDS.indexOf(a.id) - CAUSE_IDS.indexOf(b.id));
  const top = results[0];
  const failures = signals.reduce((n, s) => n + failuresOf(s), 0);
  const requests = signals.reduce((n, s) => n + s.requests, 0);

  const verdict = (status: VerdictStatus, likely: CauseId, healthyScore: number, summary: string, path: string[]): Verdict => {
    const causes = [...results, healthy(round(healthyScore), requests, failures, signals)];
    // Best first, the likely cause always at the head.
    causes.sort((a, b) => Number(b.id === likely) - Number(a.id === likely) || b.score - a.score);
    return { likely_cause: likely, status, failures, summary, causes, flowchart_path: path };
  };

  if (top && top.score >= NAMING_THRESHOLD) {
    const summary = `${top.label} on ${top.upstream} (score ${top.score.toFixed(2)}): ${top.evidence[0] ?? ''}`;
    return verdict('named', top.id, 1 - top.score, summary, pathTo(leafOf(top.id)));
  }
  // Failures worth a look: past the noise floor on some upstream, or client 502s above the warning rate.
  const notable = failures > 0 && signals.some((s) => noteworthy(s));
  if (!notable) {
    const summary = `Healthy: ${plural(requests, 'request')}, no upstream failure worth naming`;
    return verdict('healthy', 'healthy', 1 - (top?.score ?? 0), summary, [ROOT, leafOf('healthy')]);
  }
  // From here on the failures are real, so "healthy" is ruled out; the leading candidate (if any rule
  // saw a pattern at all) is named, and the status says how far to trust it.
  if (failures < MIN_FAILURES_TO_RULE_OUT) {
    const lead = top ? ` — so far it looks most like ${top.label.toLowerCase()} on ${top.upstream} (score ${top.score.toFixed(2)})` : '';
    const summary = `Collecting evidence: ${plural(failures, 'upstream failure')} so far${lead}`;
    return verdict('collecting', top ? top.id : 'healthy', 0, summary, top ? pathTo(leafOf(top.id)) : pathTo(UNEXPLAINED_LEAF));
  }
  // Failures no rule explains well still deserve a look: the walk ends at "verify upstream health".
  const lead = top ? `; the closest is ${top.label.toLowerCase()} (score ${top.score.toFixed(2)})` : '';
  const summary = `No cause named with confidence: ${plural(failures, 'upstream failure')} that match no known pattern${lead}`;
  return verdict('unexplained', top ? top.id : 'healthy', 0, summary, pathTo(UNEXPLAINED_LEAF));
}

/**
 * Failures on this upstream above the noise floor: more than 1 % of its traffic over the range, or at
 * least two within the windows where they happened at 1 % of the traffic there (a short spike inside a
 * long quiet range), or client 502s above the warning rate. One isolated failure in busy traffic is noise.
 */
function noteworthy(s: Signals): boolean {
  const f = failuresOf(s);
  if (f === 0) return false;
  const overRange = f / Math.max(1, s.attempts, s.requests);
  const inSpike = f / Math.max(1, s.spanAttempts, s.spanRequests);
  return overRange > THRESHOLDS.rate502 || (f >= 2 && inSpike >= THRESHOLDS.rate502) || s.status502 / Math.max(1, s.requests) > THRESHOLDS.rate502;
}

/**
 * Evidence of upstream failure on one upstream: failed attempts and stalls, or, when the access log has no
 * upstream fields to show them, the client-facing 502s and 504s nginx wrote for them.
 */
function failuresOf(s: Signals): number {
  return Math.max(upstreamFailures(s), s.status502 + s.status504);
}

function healthy(score: number, requests: number, failures: number, signals: readonly Signals[]): CauseResult {
  const from = Math.min(...signals.map((s) => s.from));
  const to = Math.max(...signals.map((s) => s.to));
  const evidence = [
    `${plural(requests, 'request')}, ${plural(failures, 'failed upstream attempt')} (${pct(failures, Math.max(1, requests))})`,
  ];
  return { ...result('healthy', score, evidence, null), window: windowOf(from, to) };
}

function result(id: CauseId, score: number, evidence: string[], s: Signals | null): CauseResult {
  const from = s && Number.isFinite(s.failFrom) ? s.failFrom : (s?.from ?? NaN);
  const to = s && Number.isFinite(s.failTo) ? s.failTo : (s?.to ?? NaN);
  return {
    id,
    label: CAUSES[id].label,
    score,
    evidence,
    window: windowOf(from, to),
    upstream: s?.upstream ?? '',
    fix: CAUSES[id].fix,
  };
}

function windowOf(from: number, to: number) {
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '');
  return { from: iso(from), to: iso(to) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
