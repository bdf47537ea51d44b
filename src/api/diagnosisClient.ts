// Talks to the collector's `GET /api/diagnosis?from=&to=&upstream=`. The answer crosses a trust boundary
// (another process, maybe another version), so its shape is checked before anything draws it, and every
// failure becomes one DiagnosisApiError line instead of an exception deep in the view.
import type { Diagnosis } from '../../collector/report/diagnosis';

export interface DiagnosisQuery {
  /** Epoch milliseconds. */
  from?: number;
  to?: number;
  upstream?: string | null;
}

export class DiagnosisApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'DiagnosisApiError';
  }
}

const API_PATH = 'api/diagnosis';
const TIMEOUT_MS = 15_000;

/**
 * The diagnosis URL under `base` (the collector's address, or the page's own URL). Relative, so a
 * collector behind a reverse proxy at `/doctor/` is asked at `/doctor/api/diagnosis`.
 */
export function diagnosisUrl(base: string, q: DiagnosisQuery = {}): string {
  let root: URL;
  try {
    root = new URL(base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new DiagnosisApiError(`collector URL ${JSON.stringify(base)} is not a URL`);
  }
  const url = new URL(API_PATH, root);
  if (q.from !== undefined && Number.isFinite(q.from)) url.searchParams.set('from', String(Math.floor(q.from)));
  if (q.to !== undefined && Number.isFinite(q.to)) url.searchParams.set('to', String(Math.ceil(q.to)));
  if (q.upstream) url.searchParams.set('upstream', q.upstream);
  return url.toString();
}

export async function fetchDiagnosis(
  url: string,
  opts: { fetchImpl?: typeof fetch; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Diagnosis> {
  const doFetch = opts.fetchImpl ?? fetch;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort);
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? TIMEOUT_MS);
  try {
    let res: Response;
    try {
      res = await doFetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      const why = ctl.signal.aborted ? 'timed out' : (e as Error)?.message || String(e);
      throw new DiagnosisApiError(
        `collector API ${url} did not answer (${why}); is it running, and does it allow this origin (CORS)?`,
      );
    }
    const body = await res.text();
    if (!res.ok) {
      const detail = body.replace(/\s+/g, ' ').trim().slice(0, 160);
      throw new DiagnosisApiError(`collector API answered ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new DiagnosisApiError(`collector API ${url} did not return JSON`, res.status);
    }
    return parseDiagnosis(json);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Checks the parts the view relies on; everything else is optional and defaulted where it is read. */
export function parseDiagnosis(json: unknown): Diagnosis {
  const bad = (what: string) => new DiagnosisApiError(`unexpected diagnosis from the collector: ${what}`);
  if (!isObject(json)) throw bad('not an object');
  if (typeof json.likely_cause !== 'string') throw bad('likely_cause is missing');
  if (!Array.isArray(json.flowchart_path) || !json.flowchart_path.every((s) => typeof s === 'string')) {
    throw bad('flowchart_path is not a list of node ids');
  }
  if (!Array.isArray(json.causes)) throw bad('causes is not a list');
  json.causes.forEach((c, i) => {
    if (!isObject(c) || typeof c.id !== 'string' || typeof c.score !== 'number') throw bad(`causes[${i}] has no id or score`);
    if (c.evidence !== undefined && !(Array.isArray(c.evidence) && c.evidence.every((s) => typeof s === 'string'))) {
      throw bad(`causes[${i}].evidence is not a list of strings`);
    }
  });
  if (!isObject(json.series)) throw bad('series is missing');
  if (json.series.points !== undefined && !Array.isArray(json.series.points)) throw bad('series.points is not a list');
  if (json.series.upstreams !== undefined && !Array.isArray(json.series.upstreams)) throw bad('series.upstreams is not a list');
  return json as unknown as Diagnosis;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
