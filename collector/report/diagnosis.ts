// The `diagnose --json` object: the verdict for a time range plus the series behind it. The CLI prints it,
// the live collector serves it at /api/diagnosis, and the panel draws it.
import { Aggregator, NO_UPSTREAM, type RangeStats } from '../aggregate/aggregator';
import { CONNECT_BOUNDS_S } from '../aggregate/buckets';
import { toSignals } from './measure';
import { UpstreamStats, type ErrorSample, type FailureSample } from '../aggregate/upstreamStats';
import { judge, type Verdict } from '../diagnose/engine';
import type { CauseId } from '../diagnose/causes';
import type { IngestCounts } from '../ingest/ingest';
import { ALL_LOGGED } from '../parse/access/formatSpec';
import type { UpstreamSettings } from '../parse/types';

export interface DiagnosisQuery {
  from?: number;
  to?: number;
  upstream?: string;
}

export interface DiagnosisSources {
  agg: Aggregator;
  settingsFor: (addr: string) => UpstreamSettings | null;
  kernelLogRead: boolean;
  /** Lines read and parse errors per source, from the ingest path. */
  counts: IngestCounts;
  /** What the access logs' formats log (Ingest.logged); every variable when not said. */
  logged?: number;
  /** Whether an error log was read (what its absence hides is then said). */
  errorLogRead?: boolean;
  /** Mean Writing share of active connections (stub_status) over a time span; absent offline. */
  writingShare?: (from: number, to: number) => number | null;
}

export interface UpstreamRow extends SeriesFigures {
  upstream: string;
  likely_cause: CauseId;
  score: number;
}

export interface SeriesFigures {
  requests: number;
  attempts: number;
  retries: number;
  failed_attempts: number;
  rate_502: number;
  rate_504: number;
  rate_499: number;
  rate_5xx: number;
  p50_upstream_response_s: number | null;
  p95_upstream_response_s: number | null;
  p99_upstream_response_s: number | null;
  proxy_read_timeout_s: number | null;
  p95_read_timeout_ratio: number | null;
  connect_reuse_share: number | null;
  inflight_avg: number | null;
  error_classes: Record<string, number>;
}

export interface Diagnosis extends Verdict {
  upstream: string;
  window: { from: string; to: string };
  /**
   * The current incident on the verdict's upstream: from the first window of the run of failing windows
   * that reaches the newest failure (quiet stretches shorter than INCIDENT_QUIET_MS do not end it), which may
   * start before the diagnosis range. Null when healthy.
   */
  incident: { since: string; last: string; failures: number } | null;
  /** The evidence lines themselves: failing requests and error-log lines of the verdict's upstream. */
  examples: { requests: Array<FailureSample & { upstream: string }>; errors: Array<ErrorSample & { upstream: string }> };
  series: SeriesFigures & {
    window_s: number;
    from: string;
    to: string;
    writing_share: number | null;
    connect_time_buckets: Array<{ le: number | '+Inf'; count: number }>;
    upstreams: UpstreamRow[];
    points: Array<
      { t: string; writing_share: number | null } & Pick<
        SeriesFigures,
        'requests' | 'rate_502' | 'rate_5xx' | 'p95_upstream_response_s' | 'connect_reuse_share' | 'failed_attempts'
      >
    >;
  };
  parse_errors: number;
  parse_errors_by_source: Record<string, number>;
  lines: Record<string, number>;
}

function signalsOf(src: DiagnosisSources, range: RangeStats) {
  return [...range.byUpstream.entries()].map(([key, st]) =>
    toSignals(key, st, range, src.agg, key === NO_UPSTREAM ? null : src.settingsFor(key), src.kernelLogRead, src.logged ?? ALL_LOGGED),
  );
}

/** Each upstream's own verdict over a window (what the per-upstream rows and the cause gauges show). */
export function upstreamVerdicts(src: DiagnosisSources, q: DiagnosisQuery = {}): Map<string, Verdict> {
  const signals = signalsOf(src, src.agg.range(q.from, q.to, q.upstream));
  return new Map(signals.filter((s) => s.upstream !== NO_UPSTREAM).map((s) => [s.upstream, judge([s])]));
}

export function buildDiagnosis(src: DiagnosisSources, q: DiagnosisQuery = {}): Diagnosis {
  const range = src.agg.range(q.from, q.to, q.upstream);
  const signals = signalsOf(src, range);
  const verdict = judge(signals);
  const top = verdict.causes[0];
  const total = new UpstreamStats();
  for (const st of range.byUpstream.values()) total.merge(st);
  const readTimeout = commonReadTimeout(range, src.settingsFor);

  const upstreams: UpstreamRow[] = signals
    .filter((s) => s.upstream !== NO_UPSTREAM || s.requests > 0)
    .map((s) => {
      const own = judge([s]);
      const st = range.byUpstream.get(s.upstream)!;
      const settings = s.upstream === NO_UPSTREAM ? null : src.settingsFor(s.upstream);
      return {
        upstream: s.upstream,
        likely_cause: own.likely_cause,
        score: own.causes[0].score,
        ...figures(st, settings ? settings.proxyReadTimeout : null, range.windowMs * windowsIn(range)),
      };
    })
    .sort((a, b) => b.attempts - a.attempts || a.upstream.localeCompare(b.upstream));

  const focus = range.byUpstream.get(top.upstream);
  return {
    ...verdict,
    upstream: top.upstream,
    window: top.window,
    incident: verdict.status === 'healthy' ? null : incidentOf(src.agg, top.upstream || q.upstream, range.to),
    examples: {
      requests: (focus?.samples ?? []).map((x) => ({ ...x, upstream: top.upstream })),
      errors: (focus?.errorSamples ?? []).map((x) => ({ ...x, upstream: top.upstream })),
    },
    series: {
      window_s: range.windowMs / 1000,
      from: iso(range.from),
      to: iso(range.to),
      ...figures(total, readTimeout, range.windowMs * windowsIn(range)),
      writing_share: src.writingShare?.(range.from, range.to) ?? null,
      connect_time_buckets: CONNECT_BOUNDS_S.map((le, i) => ({
        le: Number.isFinite(le) ? le : ('+Inf' as const),
        count: total.connectBuckets[i],
      })),
      upstreams,
      points: points(src, range, q.upstream, readTimeout),
    },
    parse_errors: Object.values(src.counts.parseErrors).reduce((a, b) => a + b, 0),
    parse_errors_by_source: { ...src.counts.parseErrors },
    lines: { ...src.counts.lines },
  };
}

/** A quiet stretch at least this long (and at least 3 windows) ends an incident. */
const INCIDENT_QUIET_MS = 60_000;

/** The same failures show in the access log and the error log: count whichever saw more, never both. */
function windowFailures(st: UpstreamStats): number {
  return Math.max(st.failed + st.bodyStalls, st.status502 + st.status504, st.errorCount('refused') + st.errorCount('reset_by_peer'));
}

function incidentOf(agg: Aggregator, upstream: string | undefined, until: number): Diagnosis['incident'] {
  const quietMs = Math.max(INCIDENT_QUIET_MS, 3 * agg.windowMs);
  const timeline = agg.timeline();
  let since = NaN;
  let last = NaN;
  let failures = 0;
  for (let i = timeline.length - 1; i >= 0; i--) {
    const [start, ups] = timeline[i];
    if (start >= until) continue;
    if (Number.isFinite(since) && since - start > quietMs) break;
    let n = 0;
    for (const [key, st] of ups) if (!upstream || key === upstream) n += windowFailures(st);
    if (n === 0) continue;
    if (!Number.isFinite(last)) last = start + agg.windowMs;
    since = start;
    failures += n;
  }
  return Number.isFinite(since) ? { since: iso(since), last: iso(last), failures } : null;
}

function figures(st: UpstreamStats, readTimeout: number | null, spanMs: number): SeriesFigures {
  const q = (p: number) => (st.responseTime.count > 0 ? round(st.responseTime.getValueAtQuantile(p)) : null);
  const p95 = q(0.95);
  const known = st.reused + st.fresh;
  return {
    requests: st.requests,
    attempts: st.attempts,
    retries: st.retries,
    failed_attempts: st.failed,
    rate_502: ratio(st.status502, st.requests),
    rate_504: ratio(st.status504, st.requests),
    rate_499: ratio(st.status499, st.requests),
    rate_5xx: ratio(st.status5xx, st.requests),
    p50_upstream_response_s: q(0.5),
    p95_upstream_response_s: p95,
    p99_upstream_response_s: q(0.99),
    proxy_read_timeout_s: readTimeout,
    p95_read_timeout_ratio: p95 !== null && readTimeout ? round(p95 / readTimeout) : null,
    connect_reuse_share: known > 0 ? round(st.reused / known) : null,
    inflight_avg: spanMs > 0 && st.requestTimeSum > 0 ? round(st.requestTimeSum / (spanMs / 1000)) : null,
    error_classes: Object.fromEntries([...st.errors].sort((a, b) => b[1] - a[1])),
  };
}

function points(src: DiagnosisSources, range: RangeStats, upstream: string | undefined, readTimeout: number | null) {
  const out: Diagnosis['series']['points'] = [];
  const agg = src.agg;
  for (const [start, ups] of agg.timeline()) {
    if (start < range.from || start >= range.to) continue;
    const total = new UpstreamStats();
    for (const [key, st] of ups) if (upstream === undefined || key === upstream) total.merge(st);
    const f = figures(total, readTimeout, agg.windowMs);
    out.push({
      t: iso(start),
      requests: f.requests,
      rate_502: f.rate_502,
      rate_5xx: f.rate_5xx,
      p95_upstream_response_s: f.p95_upstream_response_s,
      connect_reuse_share: f.connect_reuse_share,
      failed_attempts: f.failed_attempts,
      writing_share: src.writingShare?.(start, start + agg.windowMs) ?? null,
    });
  }
  return out;
}

/** The proxy_read_timeout that applies to all upstreams in range; the smallest when they differ. */
function commonReadTimeout(range: RangeStats, settingsFor: DiagnosisSources['settingsFor']): number | null {
  let min: number | null = null;
  for (const key of range.byUpstream.keys()) {
    if (key === NO_UPSTREAM) continue;
    const t = settingsFor(key)?.proxyReadTimeout;
    if (t !== undefined && (min === null || t < min)) min = t;
  }
  return min;
}

function windowsIn(range: RangeStats): number {
  return Number.isFinite(range.to - range.from) ? (range.to - range.from) / range.windowMs : 0;
}

function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b) : 0;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : '';
}
