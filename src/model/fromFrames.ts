// Grafana data frames (Prometheus queries over the collector's metrics) → the view's model. The verdict
// comes from `upstream_doctor_likely_cause` / `upstream_doctor_cause_score`, the flowchart path from the
// shared tree (pathTo(leafOf(cause))); the evidence here is what the series themselves show. The
// engine's own evidence and failing requests come from the collector's API when the panel knows its URL.
import type { DataFrame } from '@grafana/data';
import { CAUSES, CAUSE_IDS, type CauseId } from '../../collector/diagnose/causes';
import { leafOf, pathTo } from '../../collector/diagnose/tree';
import { latestPerSeries, samplesByRole, seriesKey, type Role, type Sample } from './frames';
import { pct, seconds } from './format';
import {
  emptySeries,
  emptyStats,
  stateModel,
  type Bucket,
  type ConnectDistribution,
  type DoctorModel,
  type Line,
  type RankedCause,
  type TimeWindow,
  type UpstreamRow,
} from './types';

export interface FramesContext {
  upstream: string | null;
  range: TimeWindow | null;
  /** The query interval, for "click a point to diagnose its window". */
  intervalMs: number | null;
}

const ALL = '';

export function fromFrames(frames: readonly DataFrame[], ctx: FramesContext): DoctorModel {
  const byRole = samplesByRole(frames);
  const total = [...byRole.values()].reduce((n, s) => n + s.length, 0);
  if (total === 0) {
    const model = stateModel(
      'empty',
      frames.length === 0
        ? 'No data: the queries returned nothing for this time range'
        : 'No data: no query returned an Upstream Doctor series (see the panel README for the queries)',
      'metrics',
    );
    model.range = ctx.range;
    model.upstream = ctx.upstream;
    return model;
  }
  const notices: string[] = [];
  const get = (r: Role) => byRole.get(r) ?? [];
  const wanted = (s: Sample) => ctx.upstream === null || s.labels.upstream === undefined || s.labels.upstream === ctx.upstream;

  const rate502 = lines(get('rate_502').filter(wanted));
  const p95 = lines(get('p95').filter(wanted));
  const writingShare = lines(get('writing_share'));
  const readTimeout = readTimeoutOf(get('read_timeout').filter(wanted));
  const connect = connectOf(get('connect').filter(wanted));
  const requestsBy = perUpstream(latestPerSeries(get('requests')), (vals) => vals.reduce((a, b) => a + b, 0));
  const { winners, scores, unknown } = causesOf(get('likely_cause'), get('cause_score'));
  for (const id of unknown) notices.push(`a series names a cause this panel does not know: ${id}`);

  const allRows = upstreamRows(byRole, winners, scores, requestsBy);
  // Rows without an upstream label describe everything: shown only when no upstream has its own row.
  const named = allRows.filter((r) => r.upstream !== ALL);
  const rows = named.length ? named : allRows;
  const judged = named.some((r) => r.cause) ? named : allRows;
  const candidates = judged.filter((r) => r.cause && (ctx.upstream === null || r.upstream === ctx.upstream || r.upstream === ALL));
  const top = pickVerdict(candidates);

  const lastOf = (ls: Line[]) => ls.map(lastValue).filter((v): v is number => v !== null);
  const rate502Now = weighted(rate502, requestsBy) ?? max(lastOf(rate502));
  const stats = {
    ...emptyStats(),
    requests: requestsBy.size ? sumFor(requestsBy, ctx.upstream) : null,
    rate502: rate502Now,
    p95S: max(lastOf(p95)),
    readTimeoutS: readTimeout,
    writingShare: writingShare.length ? lastValue(writingShare[0]) : null,
    reuseShare: connect?.reuseShare ?? null,
  };

  let verdict: DoctorModel['verdict'] = null;
  let others: RankedCause[] = [];
  let path: string[] = [];
  if (top) {
    const cause = top.cause!;
    const info = CAUSES[cause];
    verdict = {
      cause,
      label: info.label,
      headline: cause === 'healthy' ? `${info.label}: no upstream failure worth naming` : `${info.label} on ${top.upstream}`,
      score: top.score,
      upstream: top.upstream || null,
      evidence: metricEvidence(top, stats),
      fix: info.fix,
      window: ctx.range,
      // The cause gauges carry no more than the name: a named cause or healthy, no count, no incident.
      status: cause === 'healthy' ? 'healthy' : 'named',
      failures: null,
      incident: null,
    };
    path = pathTo(leafOf(cause));
    others = [...(scores.get(top.upstream) ?? new Map<CauseId, number>())]
      .filter(([id, s]) => id !== cause && s > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([id, s]) => ({ id, label: CAUSES[id].label, score: s, upstream: top.upstream, evidence: [], fix: CAUSES[id].fix }));
  } else {
    notices.push(
      'no upstream_doctor_likely_cause series: add that query (refId likely_cause) to name the cause and light the flowchart',
    );
  }

  return {
    state: 'ready',
    message: null,
    verdict,
    others,
    path,
    stats,
    series: {
      ...emptySeries(),
      rate502,
      p95,
      writingShare,
      readTimeoutS: readTimeout,
      connect,
      upstreams: rows,
      stepMs: ctx.intervalMs ?? medianStep(rate502[0] ?? p95[0]),
    },
    range: ctx.range,
    upstream: ctx.upstream,
    examples: { requests: [], errors: [] },
    notices,
    source: 'metrics',
  };
}

/** One line per series; named by its upstream when it has one, else by its other labels. */
function lines(samples: readonly Sample[]): Line[] {
  const by = new Map<string, Line>();
  for (const s of samples) {
    if (s.t === null) continue;
    const name = s.labels.upstream ?? (seriesKey(s.labels) || s.field || 'value');
    const line = by.get(name) ?? { name, points: [] };
    line.points.push({ t: s.t, v: s.v });
    by.set(name, line);
  }
  for (const l of by.values()) l.points.sort((a, b) => a.t - b.t);
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function lastValue(l: Line): number | null {
  for (let i = l.points.length - 1; i >= 0; i--) if (l.points[i].v !== null) return l.points[i].v;
  return null;
}

function readTimeoutOf(samples: readonly Sample[]): number | null {
  // The smallest limit that applies, as the collector does when upstreams differ.
  return min(latestPerSeries(samples).map((s) => s.v!));
}

/**
 * Connect-time histogram from `le`-labelled bucket series (summed over upstreams). Prometheus buckets are
 * cumulative; a series already split per bucket (Grafana's heatmap format) is taken as it is.
 */
export function connectOf(samples: readonly Sample[]): ConnectDistribution | null {
  const byLe = new Map<number, number>();
  for (const s of latestPerSeries(samples)) {
    const raw = s.labels.le ?? s.field;
    const le = raw === '+Inf' || raw === 'Inf' ? Infinity : Number(raw);
    if (raw === undefined || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.v!);
  }
  if (byLe.size === 0) return null;
  const sorted = [...byLe].sort((a, b) => a[0] - b[0]);
  const cumulative = sorted.every((b, i) => i === 0 || b[1] >= sorted[i - 1][1] - 1e-9);
  const buckets: Bucket[] = sorted.map(([le, v], i) => ({
    le: Number.isFinite(le) ? le : null,
    count: Math.max(0, cumulative && i > 0 ? v - sorted[i - 1][1] : v),
  }));
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const reused = buckets.find((b) => b.le === 0)?.count ?? 0;
  return { buckets, total, reuseShare: total > 0 ? reused / total : null };
}

function causesOf(likely: readonly Sample[], scored: readonly Sample[]) {
  const known = (id: string | undefined): id is CauseId => id !== undefined && (CAUSE_IDS as readonly string[]).includes(id);
  const unknown = new Set<string>();
  const scores = new Map<string, Map<CauseId, number>>();
  for (const s of latestPerSeries(scored)) {
    const c = s.labels.cause;
    if (!known(c)) {
      if (c) unknown.add(c);
      continue;
    }
    const up = s.labels.upstream ?? ALL;
    const m = scores.get(up) ?? new Map<CauseId, number>();
    m.set(c, s.v!);
    scores.set(up, m);
  }
  const winners = new Map<string, CauseId>();
  // Newest first, so an upstream's current winner is the one that counts.
  const latest = latestPerSeries(likely).sort((a, b) => (b.t ?? Infinity) - (a.t ?? Infinity));
  const newestAt = new Map<string, number>();
  for (const s of latest) {
    const c = s.labels.cause;
    if (!known(c)) {
      if (c) unknown.add(c);
      continue;
    }
    const up = s.labels.upstream ?? ALL;
    const t = s.t ?? Infinity;
    if (!newestAt.has(up)) newestAt.set(up, t);
    if (s.v! >= 0.5 && t >= newestAt.get(up)! && !winners.has(up)) winners.set(up, c);
  }
  return { winners, scores, unknown: [...unknown] };
}

function perUpstream(samples: readonly Sample[], fold: (vals: number[]) => number): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const s of samples) {
    const up = s.labels.upstream ?? ALL;
    by.set(up, [...(by.get(up) ?? []), s.v!]);
  }
  return new Map([...by].map(([k, v]) => [k, fold(v)]));
}

function upstreamRows(
  byRole: Map<Role, Sample[]>,
  winners: Map<string, CauseId>,
  scores: Map<string, Map<CauseId, number>>,
  requests: Map<string, number>,
): UpstreamRow[] {
  const names = new Set<string>([...winners.keys(), ...scores.keys(), ...requests.keys()]);
  for (const r of ['rate_502', 'p95', 'connect', 'read_timeout'] as Role[]) {
    for (const s of byRole.get(r) ?? []) if (s.labels.upstream !== undefined) names.add(s.labels.upstream);
  }
  const lastFor = (role: Role, up: string) => {
    const mine = (byRole.get(role) ?? []).filter((s) => (s.labels.upstream ?? ALL) === up);
    const latest = latestPerSeries(mine);
    return latest.length ? max(latest.map((s) => s.v!)) : null;
  };
  const rows = [...names].map((up): UpstreamRow => {
    const cause = winners.get(up) ?? null;
    const connect = connectOf((byRole.get('connect') ?? []).filter((s) => s.labels.upstream === up));
    return {
      upstream: up,
      cause,
      score: cause ? (scores.get(up)?.get(cause) ?? null) : null,
      requests: requests.get(up) ?? null,
      failures: null,
      rate502: lastFor('rate_502', up),
      p95S: lastFor('p95', up),
      reuseShare: connect?.reuseShare ?? null,
    };
  });
  return rows.sort(
    (a, b) => (b.requests ?? -1) - (a.requests ?? -1) || (b.rate502 ?? -1) - (a.rate502 ?? -1) || a.upstream.localeCompare(b.upstream),
  );
}

/** A named cause beats healthy; among named causes the highest score wins. */
function pickVerdict(rows: readonly UpstreamRow[]): UpstreamRow | null {
  let best: UpstreamRow | null = null;
  const rank = (r: UpstreamRow) => (r.cause === 'healthy' ? 0 : 1);
  for (const r of rows) {
    if (!best || rank(r) > rank(best) || (rank(r) === rank(best) && (r.score ?? 0) > (best.score ?? 0))) best = r;
  }
  return best;
}

function metricEvidence(top: UpstreamRow, stats: DoctorModel['stats']): string[] {
  const where = top.upstream ? ` on ${top.upstream}` : '';
  const out: string[] = [];
  if (top.score !== null) out.push(`cause score ${top.score.toFixed(2)}${where} over the collector's latest diagnosis window`);
  if (top.rate502 !== null) out.push(`502 rate ${pct(top.rate502)}${where}`);
  const p95 = top.p95S ?? stats.p95S;
  if (p95 !== null && stats.readTimeoutS) {
    out.push(`P95 upstream time ${seconds(p95)}, ${pct(p95 / stats.readTimeoutS)} of proxy_read_timeout ${seconds(stats.readTimeoutS)}`);
  }
  const reuse = top.reuseShare ?? stats.reuseShare;
  if (reuse !== null) out.push(`${pct(reuse)} of upstream attempts reused a pooled connection (connect time 0)`);
  if (stats.writingShare !== null) out.push(`Writing share ${pct(stats.writingShare)} of active client connections`);
  return out;
}

function weighted(rate: Line[], requests: Map<string, number>): number | null {
  if (rate.length < 2 || requests.size === 0) return null;
  let num = 0;
  let den = 0;
  for (const l of rate) {
    const v = lastValue(l);
    const w = requests.get(l.name);
    if (v === null || w === undefined) return null;
    num += v * w;
    den += w;
  }
  return den > 0 ? num / den : null;
}

function sumFor(by: Map<string, number>, upstream: string | null): number {
  if (upstream !== null) return by.get(upstream) ?? 0;
  return [...by.values()].reduce((a, b) => a + b, 0);
}

function medianStep(l: Line | undefined): number | null {
  if (!l || l.points.length < 2) return null;
  const d = l.points.slice(1).map((p, i) => p.t - l.points[i].t).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

function max(xs: number[]): number | null {
  return xs.length ? Math.max(...xs) : null;
}

function min(xs: number[]): number | null {
  return xs.length ? Math.min(...xs) : null;
}
