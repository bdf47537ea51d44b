// The collector's Diagnosis object (the `diagnose --json` / `/api/diagnosis` answer) → the view's model.
import { CAUSES, CAUSE_IDS, type CauseId } from '../../collector/diagnose/causes';
import { UNEXPLAINED_LEAF } from '../../collector/diagnose/tree';
import type { Diagnosis } from '../../collector/report/diagnosis';
import type { CauseResult } from '../../collector/diagnose/engine';
import {
  emptySeries,
  type Bucket,
  type DoctorModel,
  type ExampleError,
  type ExampleRequest,
  type Incident,
  type RankedCause,
  type TimeWindow,
  type UpstreamRow,
  type VerdictStatus,
} from './types';

const STATUSES: readonly VerdictStatus[] = ['named', 'collecting', 'unexplained', 'healthy'];

export function fromDiagnosis(d: Diagnosis, upstream: string | null = null): DoctorModel {
  const notices: string[] = [];
  const series = d.series ?? ({} as Partial<Diagnosis['series']>);
  const causes = [...(d.causes ?? [])];
  const known = (id: string): id is CauseId => (CAUSE_IDS as readonly string[]).includes(id);
  if (!known(d.likely_cause)) notices.push(`the collector named a cause this panel does not know: ${d.likely_cause}`);

  const top = causes.find((c) => c.id === d.likely_cause) ?? causes[0];
  const causeId = d.likely_cause as CauseId;
  const path = d.flowchart_path ?? [];
  const status = statusOf(d.status, causeId, path);
  // Without a cause to name, the engine's "healthy" entry only says how little it saw: never call that healthy.
  const noCause = status !== 'healthy' && causeId === 'healthy';
  const label = status === 'unexplained' ? 'Unexplained upstream failures' : noCause ? 'No leading cause yet' : top?.label || CAUSES[causeId]?.label || d.likely_cause;
  const points = Array.isArray(series.points) ? series.points : [];
  const lineName = upstream ?? 'all upstreams';
  const requests = num(series.requests);

  const model: DoctorModel = {
    state: 'ready',
    message: null,
    verdict: {
      cause: causeId,
      label,
      status,
      headline: typeof d.summary === 'string' && d.summary ? d.summary : label,
      score: top ? num(top.score) : null,
      upstream: top?.upstream || d.upstream || null,
      evidence: top?.evidence ?? [],
      fix: noCause ? [] : top?.fix?.length ? top.fix : (CAUSES[causeId]?.fix ?? []),
      window: windowOf(top?.window ?? d.window),
      failures: num(d.failures),
      incident: status === 'healthy' ? null : incidentOf(d.incident),
    },
    others: causes.filter((c) => c !== top).map(ranked),
    path,
    stats: {
      requests,
      rate502: num(series.rate_502),
      p95S: num(series.p95_upstream_response_s),
      readTimeoutS: num(series.proxy_read_timeout_s),
      writingShare: num(series.writing_share),
      reuseShare: num(series.connect_reuse_share),
    },
    series: {
      ...emptySeries(),
      rate502: points.length ? [{ name: lineName, points: points.map((p) => ({ t: time(p.t), v: num(p.rate_502) })) }] : [],
      p95: points.length
        ? [{ name: lineName, points: points.map((p) => ({ t: time(p.t), v: num(p.p95_upstream_response_s) })) }]
        : [],
      writingShare: points.some((p) => typeof p.writing_share === 'number')
        ? [{ name: 'writing share', points: points.map((p) => ({ t: time(p.t), v: num(p.writing_share) })) }]
        : [],
      readTimeoutS: num(series.proxy_read_timeout_s),
      connect: connectOf(series.connect_time_buckets, num(series.connect_reuse_share)),
      upstreams: (series.upstreams ?? []).map(
        (u): UpstreamRow => ({
          upstream: u.upstream,
          cause: u.likely_cause,
          score: num(u.score),
          requests: num(u.requests),
          failures: num(u.failed_attempts),
          rate502: num(u.rate_502),
          p95S: num(u.p95_upstream_response_s),
          reuseShare: num(u.connect_reuse_share),
        }),
      ),
      stepMs: num(series.window_s) !== null ? num(series.window_s)! * 1000 : null,
    },
    range: windowOf({ from: series.from ?? '', to: series.to ?? '' }),
    upstream,
    examples: {
      requests: (d.examples?.requests ?? []).map(
        (r): ExampleRequest => ({
          time: r.time,
          request: String(r.request ?? ''),
          status: num(r.status),
          attemptStatus: num(r.attemptStatus),
          connectS: num(r.connect),
          responseS: num(r.response),
          idleGapS: num(r.gap),
          bytes: num(r.bytes),
        }),
      ),
      errors: (d.examples?.errors ?? []).map(
        (e): ExampleError => ({
          time: e.time,
          cls: String(e.cls ?? ''),
          phase: String(e.phase ?? ''),
          message: String(e.message ?? ''),
          request: String(e.request ?? ''),
        }),
      ),
    },
    notices,
    source: 'api',
  };
  if (requests === 0) {
    model.state = 'empty';
    model.message = upstream ? `No requests to ${upstream} in this window` : 'No requests in this window';
  }
  return model;
}

/**
 * The collector's `status`; an older collector has none, and then a named cause is `named`, and "healthy"
 * is only healthy when the walk did not end at "verify upstream health".
 */
function statusOf(raw: unknown, cause: CauseId, path: readonly string[]): VerdictStatus {
  if (STATUSES.includes(raw as VerdictStatus)) return raw as VerdictStatus;
  if (cause !== 'healthy') return 'named';
  return path[path.length - 1] === UNEXPLAINED_LEAF ? 'unexplained' : 'healthy';
}

function incidentOf(raw: Diagnosis['incident'] | undefined): Incident | null {
  if (!raw || typeof raw !== 'object') return null;
  const since = Date.parse(raw.since);
  const last = Date.parse(raw.last);
  if (!Number.isFinite(since) || !Number.isFinite(last) || last < since) return null;
  return { since, last, failures: num(raw.failures) ?? 0 };
}

function ranked(c: CauseResult): RankedCause {
  return {
    id: c.id,
    label: c.label || CAUSES[c.id]?.label || c.id,
    score: num(c.score),
    upstream: c.upstream ?? '',
    evidence: c.evidence ?? [],
    fix: c.fix ?? [],
  };
}

function connectOf(raw: Diagnosis['series']['connect_time_buckets'] | undefined, reuse: number | null) {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const buckets: Bucket[] = raw.map((b) => ({ le: b.le === '+Inf' ? null : Number(b.le), count: Number(b.count) || 0 }));
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const reused = buckets.find((b) => b.le === 0)?.count ?? 0;
  return { buckets, total, reuseShare: reuse ?? (total > 0 ? reused / total : null) };
}

function windowOf(w: { from: string; to: string } | undefined): TimeWindow | null {
  if (!w) return null;
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null;
}

function time(iso: string): number {
  return Date.parse(iso);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
