// Reading Grafana data frames as labelled samples, and telling which of the panel's inputs a frame is.
// A frame's role comes from its query's refId (`rate_502`, `p95`, …) or, for bare metric selectors, from
// the metric name Prometheus puts in `__name__`. Both time-series frames (labels on the value field) and
// table frames (labels as string columns, one sample per row) are read.
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import { METRICS } from '../../collector/metrics/catalogue';

export const ROLES = [
  'rate_502',
  'writing_share',
  'p95',
  'read_timeout',
  'connect',
  'cause_score',
  'likely_cause',
  'requests',
] as const;
export type Role = (typeof ROLES)[number];

const ROLE_BY_REFID: Record<string, Role> = {
  rate502: 'rate_502',
  '502': 'rate_502',
  writingshare: 'writing_share',
  writing: 'writing_share',
  p95: 'p95',
  readtimeout: 'read_timeout',
  proxyreadtimeout: 'read_timeout',
  connect: 'connect',
  connecttime: 'connect',
  causescore: 'cause_score',
  likelycause: 'likely_cause',
  cause: 'likely_cause',
  requests: 'requests',
};

const ROLE_BY_METRIC: Record<string, Role> = {
  [METRICS.nginxWritingShare.name]: 'writing_share',
  [METRICS.readTimeout.name]: 'read_timeout',
  [`${METRICS.connectTime.name}_bucket`]: 'connect',
  [METRICS.causeScore.name]: 'cause_score',
  [METRICS.likelyCause.name]: 'likely_cause',
  [METRICS.requests.name]: 'requests',
};

export interface Sample {
  labels: Record<string, string>;
  /** Epoch ms, or null for a table row without a time column. */
  t: number | null;
  v: number | null;
  /** Field display name, for frames that carry their bucket bound in the name (heatmap format). */
  field: string;
}

export function roleOfRefId(refId: string | undefined): Role | null {
  if (!refId) return null;
  return ROLE_BY_REFID[refId.toLowerCase().replace(/[^a-z0-9]/g, '')] ?? null;
}

export function roleOf(frame: DataFrame, field: Field): Role | null {
  const byRef = roleOfRefId(frame.refId);
  if (byRef) return byRef;
  const metric = field.labels?.__name__ ?? frame.name ?? '';
  return ROLE_BY_METRIC[metric] ?? null;
}

/** Every numeric value of every frame, grouped by role; frames with no role are ignored. */
export function samplesByRole(frames: readonly DataFrame[]): Map<Role, Sample[]> {
  const out = new Map<Role, Sample[]>();
  for (const frame of frames) {
    const fields = frame.fields ?? [];
    const time = fields.find((f) => f.type === FieldType.time);
    const labelCols = fields.filter((f) => f.type === FieldType.string);
    for (const field of fields) {
      if (field.type !== FieldType.number) continue;
      const role = roleOf(frame, field);
      if (!role) continue;
      const list = out.get(role) ?? [];
      const n = field.values.length;
      for (let i = 0; i < n; i++) {
        const labels: Record<string, string> = { ...(field.labels ?? {}) };
        for (const c of labelCols) {
          const v = c.values[i];
          if (typeof v === 'string') labels[c.name] = v;
        }
        list.push({ labels, t: time ? toMs(time.values[i]) : null, v: toNum(field.values[i]), field: field.name });
      }
      out.set(role, list);
    }
  }
  return out;
}

function toMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  if (v && typeof (v as { valueOf(): unknown }).valueOf === 'function') {
    const n = Number((v as { valueOf(): unknown }).valueOf());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toNum(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Label set minus the ones that do not tell series apart, as a stable key. */
export function seriesKey(labels: Record<string, string>, drop: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => k !== '__name__' && !drop.includes(k))
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** The newest sample of each series (samples without a time count as newest). */
export function latestPerSeries(samples: readonly Sample[], drop: readonly string[] = []): Sample[] {
  const best = new Map<string, Sample>();
  for (const s of samples) {
    if (s.v === null) continue;
    const key = `${seriesKey(s.labels, drop)}|${s.field}`;
    const have = best.get(key);
    if (!have || (s.t ?? Infinity) >= (have.t ?? Infinity)) best.set(key, s);
  }
  return [...best.values()];
}
