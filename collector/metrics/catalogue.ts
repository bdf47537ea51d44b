// Every metric the collector exports, in one table: the Prometheus exporter registers from it, the
// Netdata plugin charts from it, and the dashboard and alert-rule tests check every name they use
// against it. Names follow Prometheus conventions: base units, `_total` for counters, `_seconds`.
// Label values are bounded: upstream addresses are capped (the rest fold into `other`); URIs and
// client addresses are never labels.

import { CONNECT_BOUNDS_S } from '../aggregate/buckets';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histogram bucket upper bounds (seconds), `+Inf` implied. */
  buckets?: readonly number[];
}

/** Upstream response and header time buckets: fine around typical latencies and timeouts (60 s default). */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;
/** Connect time buckets, the aggregator's own; `le="0"` holds exactly the reused (pooled) connections. */
export const CONNECT_BUCKETS_S: readonly number[] = CONNECT_BOUNDS_S.filter(Number.isFinite);

/**
 * Client status values used as the `status` label: the codes the diagnosis reads on their own, then
 * classes of the rest (so `5xx` means a 5xx other than 500/502/503/504, and `status=~"5.."` matches them
 * all). `1xx` is there for 101 (WebSocket upgrades); `unknown` for a status not logged or outside 100–599.
 */
export const STATUS_LABELS = ['1xx', '2xx', '3xx', '4xx', '499', '5xx', '500', '502', '503', '504', 'unknown'] as const;

const P = 'upstream_doctor_';

export const METRICS = {
  requests: {
    name: `${P}requests_total`,
    type: 'counter',
    help: 'Client requests by status, under the upstream of their last attempt ("-" when nginx answered itself).',
    labels: ['upstream', 'status'],
  },
  attempts: {
    name: `${P}upstream_attempts_total`,
    type: 'counter',
    help: 'Upstream attempts (each try and each internal redirect counts once) by outcome: ok, failed, stalled.',
    labels: ['upstream', 'outcome'],
  },
  failures: {
    name: `${P}upstream_failures_total`,
    type: 'counter',
    help:
      'Failed upstream attempts by kind, one kind each: connect (no connection made), timeout (504), ' +
      'dead_on_reuse / dead_on_new (a reused / new connection failed within a round trip), mid_request (502 later); ' +
      'without upstream timings in the access log: closed (the error log says reset or closed early) or unlogged (nothing says how).',
    labels: ['upstream', 'kind'],
  },
  retries: {
    name: `${P}upstream_retries_total`,
    type: 'counter',
    help: 'Attempts that were proxy_next_upstream retries.',
    labels: ['upstream'],
  },
  connections: {
    name: `${P}upstream_connections_total`,
    type: 'counter',
    help: 'Attempts by connection: reused (connect time 0.000, a pooled keepalive connection) or new.',
    labels: ['upstream', 'connection'],
  },
  restarts: {
    name: `${P}upstream_restarts_total`,
    type: 'counter',
    help: 'Times an upstream answered again after refusing connections (a backend restart).',
    labels: ['upstream'],
  },
  responseTime: {
    name: `${P}upstream_response_seconds`,
    type: 'histogram',
    help: 'Upstream response time per attempt ($upstream_response_time).',
    labels: ['upstream'],
    buckets: LATENCY_BUCKETS_S,
  },
  headerTime: {
    name: `${P}upstream_header_seconds`,
    type: 'histogram',
    help: 'Time to the upstream response header per attempt ($upstream_header_time).',
    labels: ['upstream'],
    buckets: LATENCY_BUCKETS_S,
  },
  connectTime: {
    name: `${P}upstream_connect_seconds`,
    type: 'histogram',
    help: 'Upstream connect time per attempt ($upstream_connect_time); le="0" counts reused connections.',
    labels: ['upstream'],
    buckets: CONNECT_BUCKETS_S,
  },
  readTimeout: {
    name: `${P}proxy_read_timeout_seconds`,
    type: 'gauge',
    help: 'proxy_read_timeout nginx applies to this upstream (from the nginx config; 60 when unknown).',
    labels: ['upstream'],
  },
  errorLog: {
    name: `${P}error_log_events_total`,
    type: 'counter',
    help: 'nginx error-log events by class (reset_by_peer, timed_out, refused, …) and request phase.',
    labels: ['upstream', 'class', 'phase'],
  },
  kernel: {
    name: `${P}kernel_events_total`,
    type: 'counter',
    help: 'Kernel events: OOM kills, killed and crashed processes (one per kill).',
    labels: ['kind'],
  },
  causeScore: {
    name: `${P}cause_score`,
    type: 'gauge',
    help: 'How well each cause explains the upstream over the latest diagnosis window (0..1).',
    labels: ['upstream', 'cause'],
  },
  likelyCause: {
    name: `${P}likely_cause`,
    type: 'gauge',
    help: '1 for the likely cause of each upstream over the latest diagnosis window, 0 for the others.',
    labels: ['upstream', 'cause'],
  },
  lines: {
    name: `${P}lines_total`,
    type: 'counter',
    help: 'Log lines read, by source (access, error, kernel).',
    labels: ['source'],
  },
  parseErrors: {
    name: `${P}parse_errors_total`,
    type: 'counter',
    help: 'Lines that matched no known format, by source; over-long lines count as source "too_long".',
    labels: ['source'],
  },
  folded: {
    name: `${P}series_folded_total`,
    type: 'counter',
    help: 'Attempts and error-log events whose upstream address was folded into "other" by the cardinality cap.',
    labels: [],
  },
  stubUp: {
    name: `${P}stub_status_up`,
    type: 'gauge',
    help: '1 when the last stub_status poll succeeded, 0 when nginx could not be reached.',
    labels: [],
  },
  nginxConnections: {
    name: `${P}nginx_connections`,
    type: 'gauge',
    help: 'nginx client connections by state from stub_status: active, reading, writing, waiting.',
    labels: ['state'],
  },
  nginxWritingShare: {
    name: `${P}nginx_writing_share`,
    type: 'gauge',
    help: 'Writing connections / active connections from stub_status, not counting the poll itself (warn above 0.9).',
    labels: [],
  },
  nginxAccepted: {
    name: `${P}nginx_connections_accepted_total`,
    type: 'counter',
    help: 'Accepted client connections (stub_status; keeps growing across nginx restarts).',
    labels: [],
  },
  nginxHandled: {
    name: `${P}nginx_connections_handled_total`,
    type: 'counter',
    help: 'Handled client connections (stub_status; keeps growing across nginx restarts).',
    labels: [],
  },
  nginxRequests: {
    name: `${P}nginx_http_requests_total`,
    type: 'counter',
    help: 'Client requests nginx served (stub_status; keeps growing across nginx restarts).',
    labels: [],
  },
  tailLag: {
    name: `${P}tail_lag_bytes`,
    type: 'gauge',
    help: 'Bytes written to a tailed log and not read yet.',
    labels: ['file'],
  },
  lastLine: {
    name: `${P}last_line_timestamp_seconds`,
    type: 'gauge',
    help: 'Time written in the newest line read, by source.',
    labels: ['source'],
  },
  buildInfo: {
    name: `${P}build_info`,
    type: 'gauge',
    help: 'Always 1; the collector version as a label.',
    labels: ['version'],
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

export function allMetricNames(): string[] {
  const names: string[] = [];
  for (const m of Object.values(METRICS) as MetricDef[]) {
    if (m.type === 'histogram') names.push(`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`);
    else names.push(m.name);
  }
  return names;
}
