// Query parameters of /api/diagnosis: validated here so the handler only sees good values.
import type { DiagnosisQuery } from '../report/diagnosis';

export class BadRequest extends Error {}

/** RFC 3339 or epoch milliseconds. */
export function parseTime(name: string, v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new BadRequest(`${name}: expected RFC 3339 (2026-11-20T10:00:00Z) or epoch milliseconds, got ${JSON.stringify(v.slice(0, 64))}`);
}

export function parseDiagnosisQuery(params: URLSearchParams): DiagnosisQuery {
  for (const key of params.keys()) {
    if (!['from', 'to', 'upstream'].includes(key)) throw new BadRequest(`unknown parameter ${JSON.stringify(key.slice(0, 64))} (use from, to, upstream)`);
  }
  const from = parseTime('from', params.get('from'));
  const to = parseTime('to', params.get('to'));
  if (from !== undefined && to !== undefined && from >= to) throw new BadRequest('from must be before to');
  const upstream = params.get('upstream') ?? undefined;
  if (upstream !== undefined && (upstream.length === 0 || upstream.length > 256)) throw new BadRequest('upstream: expected an address like 10.0.0.5:8080');
  return { from, to, upstream };
}
