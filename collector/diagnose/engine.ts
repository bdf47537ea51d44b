// Scores every cause on every upstream, ranks them, and walks the flowchart to the verdict. Pure: the
// same signals always give the same verdict, in the collector, in tests and in the browser.
import { CAUSES, CAUSE_IDS, type CauseId } from './causes';
import { pct, plural } from './format';
import { RULES } from './rules';
import { upstreamFailures } from './rules/types';
import type { Signals } from './signals';
import { ROOT, UNEXPLAINED_LEAF, leafOf, pathTo } from './tree';

/** A cause is named when it scores at least this. */
export const NAMING_THRESHOLD = 0.5;

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
  const failures = signals.reduce((n, s) => n + upstreamFailures(s), 0);
  const requests = signals.reduce((n, s) => n + s.requests, 0);

  if (top && top.score >= NAMING_THRESHOLD) {
    results.push(healthy(round(1 - top.score), requests, failures, signals));
    return {
      likely_cause: top.id,
      summary: `${top.label} on ${top.upstream} (score ${top.score.toFixed(2)}): ${top.evidence[0] ?? ''}`,
      causes: results,
      flowchart_path: pathTo(leafOf(top.id)),
    };
  }
  const h = healthy(round(1 - (top?.score ?? 0)), requests, failures, signals);
  results.unshift(h);
  // Failures no rule explains still deserve a look: the walk ends at "verify upstream health".
  const unexplained = failures >= 3 && signals.some((s) => upstreamFailures(s) / Math.max(1, s.spanAttempts) >= 0.01);
  return {
    likely_cause: 'healthy',
    summary: unexplained
      ? `No cause named with confidence: ${plural(failures, 'upstream failure')} that match no known pattern`
      : `Healthy: ${plural(requests, 'request')}, no upstream failure worth naming`,
    causes: results,
    flowchart_path: unexplained ? pathTo(UNEXPLAINED_LEAF) : [ROOT, leafOf('healthy')],
  };
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
