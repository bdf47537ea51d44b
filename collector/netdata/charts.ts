// The Netdata charts, as data: what each shows, its dimensions and how it reads them from the exporter's
// state. Every chart names the catalogue metrics it is drawn from and takes its dimensions from the same
// closed label sets the Prometheus exporter uses, so the two cannot drift apart. Counters are
// `incremental` dimensions (Netdata shows them per second); gauges and shares are `absolute`, scaled.
import { NO_UPSTREAM } from '../aggregate/aggregator';
import { CAUSE_IDS } from '../diagnose/causes';
import {
  CONNECTION_STATES,
  ERROR_CLASSES,
  FAILURE_KINDS,
  KERNEL_KINDS,
  LINE_SOURCES,
  PARSE_ERROR_SOURCES,
} from '../metrics/labelValues';
import { CONNECT_BUCKETS_S, LATENCY_BUCKETS_S, STATUS_LABELS, type MetricKey } from '../metrics/catalogue';
import type { ChartType, DimensionLine } from './protocol';
import { histogramQuantile } from './quantile';
import type { StateReader } from './stateReader';

export const CHART_TYPE = 'upstream_doctor';
export const PLUGIN_NAME = 'upstream_doctor.plugin';
/** Charts of this plugin sort after Netdata's system sections and among the applications. */
const BASE_PRIORITY = 80_000;
/** Family (dashboard submenu) of the requests and errors nginx handled without an upstream. */
export const NO_UPSTREAM_FAMILY = 'nginx';

export type DimDef = DimensionLine;

/** Values in the units the chart shows (%, seconds, counts); null leaves a gap. */
export type DimValues = Record<string, number | null>;

interface BaseDef {
  kind: string;
  title: string;
  units: string;
  chartType: ChartType;
  /** Catalogue metrics the chart is drawn from. */
  metrics: readonly MetricKey[];
  dims: readonly DimDef[];
}

export interface UpstreamChartDef extends BaseDef {
  scope: 'upstream';
  /** Also drawn for NO_UPSTREAM (what nginx answered itself); charts of attempts are not. */
  withoutUpstream: boolean;
  read(r: StateReader, upstream: string): DimValues;
}

export interface GlobalChartDef extends BaseDef {
  scope: 'global';
  family: string;
  /** Which part of the config the chart needs. */
  needs: 'always' | 'stubStatus' | 'kernelLog';
  read(r: StateReader): DimValues;
}

export type ChartDef = UpstreamChartDef | GlobalChartDef;

const counter = (id: string, name = id): DimDef => ({ id, name, algorithm: 'incremental', multiplier: 1, divisor: 1 });
/** A share shown in %, kept to 1/10 000 of a percent. */
const percent = (id: string, name = id): DimDef => ({ id, name, algorithm: 'absolute', multiplier: 1, divisor: 10_000 });
const seconds = (id: string, name = id): DimDef => ({ id, name, algorithm: 'absolute', multiplier: 1, divisor: 1_000_000 });
const gauge = (id: string, name = id, hidden = false): DimDef => ({ id, name, algorithm: 'absolute', multiplier: 1, divisor: 1, hidden });

export const statusDimId = (status: string) => `status_${status}`;

/** `le_0_005` for the bucket up to 5 ms, `le_inf` above the last bound. */
export function bucketDimId(bound: number): string {
  return Number.isFinite(bound) ? `le_${String(bound).replace('.', '_')}` : 'le_inf';
}

function bucketName(bound: number, i: number, bounds: readonly number[]): string {
  if (!Number.isFinite(bound)) return `> ${duration(bounds[bounds.length - 1])}`;
  if (i === 0 && bound === 0) return '0 (reused)';
  return `<= ${duration(bound)}`;
}

function duration(s: number): string {
  return s < 1 ? `${+(s * 1000).toFixed(3)} ms` : `${s} s`;
}

const CONNECT_BOUNDS = [...CONNECT_BUCKETS_S, Infinity];
const FIVE_XX = STATUS_LABELS.map((s, i) => [s, i] as const).filter(([s]) => s.startsWith('5'));
const I502 = STATUS_LABELS.indexOf('502');

export const UPSTREAM_CHARTS: readonly UpstreamChartDef[] = [
  {
    scope: 'upstream',
    kind: 'requests',
    title: 'Client requests by status',
    units: 'requests/s',
    chartType: 'stacked',
    metrics: ['requests'],
    withoutUpstream: true,
    dims: STATUS_LABELS.map((s) => counter(statusDimId(s), s)),
    read: (r, u) => Object.fromEntries(STATUS_LABELS.map((s) => [statusDimId(s), r.counter('requests', [u, s])])),
  },
  {
    scope: 'upstream',
    kind: 'rate_502',
    title: '502 share of client requests over the diagnosis window',
    units: '%',
    chartType: 'line',
    metrics: ['requests'],
    withoutUpstream: true,
    dims: [percent('rate_502', '502'), percent('rate_5xx', 'all 5xx'), gauge('window_requests', 'requests in window', true)],
    read: (r, u) => {
      const w = r.window(u).requests;
      const total = w.reduce((a, b) => a + b, 0);
      if (total <= 0) return { rate_502: null, rate_5xx: null, window_requests: 0 };
      const fiveXx = FIVE_XX.reduce((a, [, i]) => a + w[i], 0);
      return { rate_502: (100 * w[I502]) / total, rate_5xx: (100 * fiveXx) / total, window_requests: total };
    },
  },
  {
    scope: 'upstream',
    kind: 'upstream_time',
    title: 'P95 upstream response time over the diagnosis window, and proxy_read_timeout',
    units: 'seconds',
    chartType: 'line',
    metrics: ['responseTime', 'readTimeout'],
    withoutUpstream: false,
    dims: [seconds('p95'), seconds('proxy_read_timeout')],
    read: (r, u) => ({
      p95: histogramQuantile(0.95, LATENCY_BUCKETS_S, r.window(u).response),
      proxy_read_timeout: r.gauge('readTimeout', [u]),
    }),
  },
  {
    scope: 'upstream',
    kind: 'connect_time',
    title: 'Upstream attempts by connect time (0: a reused keepalive connection)',
    units: 'attempts/s',
    chartType: 'stacked',
    metrics: ['connectTime'],
    withoutUpstream: false,
    dims: CONNECT_BOUNDS.map((b, i) => counter(bucketDimId(b), bucketName(b, i, CONNECT_BUCKETS_S))),
    read: (r, u) => {
      const counts = r.histogram('connectTime', [u]);
      return Object.fromEntries(CONNECT_BOUNDS.map((b, i) => [bucketDimId(b), counts[i]]));
    },
  },
  {
    scope: 'upstream',
    kind: 'connection_reuse',
    title: 'Share of upstream attempts on a reused connection over the diagnosis window',
    units: '%',
    chartType: 'line',
    metrics: ['connections'],
    withoutUpstream: false,
    dims: [percent('reused')],
    read: (r, u) => {
      const w = r.window(u);
      const all = w.reused + w.fresh;
      return { reused: all > 0 ? (100 * w.reused) / all : null };
    },
  },
  {
    scope: 'upstream',
    kind: 'failures',
    title: 'Failed upstream attempts by kind',
    units: 'attempts/s',
    chartType: 'stacked',
    metrics: ['failures'],
    withoutUpstream: false,
    dims: FAILURE_KINDS.map((k) => counter(k)),
    read: (r, u) => Object.fromEntries(FAILURE_KINDS.map((k) => [k, r.counter('failures', [u, k])])),
  },
  {
    scope: 'upstream',
    kind: 'upstream_events',
    title: 'Backend restarts and proxy_next_upstream retries',
    units: 'events/s',
    chartType: 'line',
    metrics: ['restarts', 'retries'],
    withoutUpstream: false,
    dims: [counter('restarts'), counter('retries')],
    read: (r, u) => ({ restarts: r.counter('restarts', [u]), retries: r.counter('retries', [u]) }),
  },
  {
    scope: 'upstream',
    kind: 'error_log',
    title: 'nginx error-log events by class',
    units: 'events/s',
    chartType: 'stacked',
    metrics: ['errorLog'],
    withoutUpstream: true,
    dims: ERROR_CLASSES.map((c) => counter(c)),
    read: (r, u) => r.errorClasses(u),
  },
  {
    scope: 'upstream',
    kind: 'cause_score',
    title: 'Likely-cause score per cause over the diagnosis window',
    units: 'score',
    chartType: 'line',
    metrics: ['causeScore'],
    withoutUpstream: false,
    dims: CAUSE_IDS.map((id) => ({ id, name: id, algorithm: 'absolute', multiplier: 1, divisor: 10_000 })),
    read: (r, u) => Object.fromEntries(CAUSE_IDS.map((id) => [id, r.gauge('causeScore', [u, id])])),
  },
];

export const GLOBAL_CHARTS: readonly GlobalChartDef[] = [
  {
    scope: 'global',
    kind: 'lines',
    family: 'collector',
    needs: 'always',
    title: 'Log lines read, and lines that matched no format',
    units: 'lines/s',
    chartType: 'line',
    metrics: ['lines', 'parseErrors'],
    dims: [...LINE_SOURCES.map((s) => counter(s)), counter('parse_errors', 'unparsed')],
    read: (r) => ({
      ...Object.fromEntries(LINE_SOURCES.map((s) => [s, r.counter('lines', [s])])),
      parse_errors: PARSE_ERROR_SOURCES.reduce((a, s) => a + r.counter('parseErrors', [s]), 0),
    }),
  },
  {
    scope: 'global',
    kind: 'kernel_events',
    family: 'kernel',
    needs: 'kernelLog',
    title: 'Kernel OOM kills and crashed processes',
    units: 'events/s',
    chartType: 'line',
    metrics: ['kernel'],
    dims: KERNEL_KINDS.map((k) => counter(k)),
    read: (r) => Object.fromEntries(KERNEL_KINDS.map((k) => [k, r.counter('kernel', [k])])),
  },
  {
    scope: 'global',
    kind: 'nginx_connections',
    family: 'nginx',
    needs: 'stubStatus',
    title: 'nginx client connections by state (stub_status)',
    units: 'connections',
    chartType: 'line',
    metrics: ['nginxConnections'],
    dims: CONNECTION_STATES.map((s) => gauge(s)),
    read: (r) => Object.fromEntries(CONNECTION_STATES.map((s) => [s, r.gauge('nginxConnections', [s])])),
  },
  {
    scope: 'global',
    kind: 'nginx_writing_share',
    family: 'nginx',
    needs: 'stubStatus',
    title: 'Writing share of active nginx connections (stub_status)',
    units: '%',
    chartType: 'line',
    metrics: ['nginxWritingShare', 'nginxConnections', 'stubUp'],
    dims: [percent('writing'), gauge('active', 'active connections', true), gauge('stub_status_up', 'stub_status up', true)],
    read: (r) => {
      const up = r.gauge('stubUp', []);
      const share = r.gauge('nginxWritingShare', []);
      // After a failed poll the other gauges keep their last values; the share is not shown as current.
      return {
        writing: up === 1 && share !== null ? 100 * share : null,
        active: up === 1 ? r.gauge('nginxConnections', ['active']) : null,
        stub_status_up: up,
      };
    },
  },
];

/** Chart priorities: the per-upstream charts in the order above, the collector's own after them. */
export function chartPriority(def: ChartDef): number {
  const i = def.scope === 'upstream' ? UPSTREAM_CHARTS.indexOf(def) : UPSTREAM_CHARTS.length + GLOBAL_CHARTS.indexOf(def);
  return BASE_PRIORITY + 10 * i;
}

export function chartContext(def: ChartDef): string {
  return `${CHART_TYPE}.${def.kind}`;
}

export function familyOf(upstream: string): string {
  return upstream === NO_UPSTREAM ? NO_UPSTREAM_FAMILY : upstream;
}
