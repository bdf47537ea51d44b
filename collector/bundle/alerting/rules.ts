// Every alerting and recording rule, written once. The Prometheus rule file, the Grafana-managed rule
// file, the promtool tests and docs/runbooks.md are all generated from this list, with thresholds from
// diagnose/thresholds.ts, metric names from metrics/catalogue.ts and cause names and fixes from
// diagnose/causes.ts — so a threshold or a name changes in one place and every artefact follows.
import { CAUSES, type CauseId } from '../../diagnose/causes';
import { THRESHOLDS } from '../../diagnose/thresholds';
import { METRICS } from '../../metrics/catalogue';
import { causeFix, causeLabel, label, liveCause, optLabel, plain, t, value, type Text } from './text';

export type Severity = 'critical' | 'warning';
/** Who owns the fix: `edge` runs nginx, the load balancers and the network; `backend` runs the apps behind. */
export type Team = 'edge' | 'backend';

/** The labels every per-upstream rule keeps: the collector's `labels:` (cluster, host) and the upstream. */
export const KEEP = ['cluster', 'host', 'upstream'] as const;
const BY = `by (${KEEP.join(', ')})`;
const ON = `on (${KEEP.join(', ')})`;

/** Scrape job name of the collectors: the example scrape configs use it and the collector-down rule reads it. */
export const COLLECTOR_JOB = 'upstream-doctor';
/** Rates and quantiles look this far back; long enough to be "sustained", short enough to clear soon after. */
export const RATE_WINDOW = '5m';
/** Restarts and OOM kills stay on the board this long after each event. */
export const EVENT_WINDOW = '10m';
/** Below this many requests per RATE_WINDOW a 502 share is noise (1 of 3 is not a 33 % outage). */
export const MIN_REQUESTS = 20;
/** Below this many active client connections a Writing share is noise (1 of 1 is 100 %). */
export const MIN_ACTIVE_CONNECTIONS = 10;

export interface AlertDef {
  name: string;
  /** Grafana rule uid: stable, at most 40 characters. */
  uid: string;
  severity: Severity;
  team: Team;
  /** PromQL for the watched quantity, one series per thing that can fail; the alert is `value op threshold`. */
  value: string;
  op: '>' | '<';
  threshold: number;
  /** How long the condition must hold (production); tests scale it down. */
  for: string;
  /** Causes the description names as likely (the cause rules name the one in their label instead). */
  causes: readonly CauseId[];
  summary: Text;
  description: Text;
  runbook: Text;
  /** Anchor in docs/runbooks.md; `cause` links to the section of the alert's cause label. */
  runbookAnchor: string | 'cause';
  /** What Grafana does when the query returns nothing: no traffic is not an outage. */
  noData: 'OK' | 'NoData';
}

export interface RecordingDef {
  record: string;
  expr: string;
  help: string;
}

const M = (k: keyof typeof METRICS) => METRICS[k].name;
const pct = (x: number) => `${+(x * 100).toFixed(4)} %`;
const causeNames = (ids: readonly CauseId[]) => ids.map((id) => `${CAUSES[id].label} (${id})`).join('; ');
const where = t`${label('upstream')}${optLabel('host', ' on ', '')}`;

/** Client 502s per request by upstream, with the minimum-traffic guard. */
const ratio502 =
  `sum ${BY} (rate(${M('requests')}{status="502"}[${RATE_WINDOW}]))` +
  ` / sum ${BY} (rate(${M('requests')}[${RATE_WINDOW}]))` +
  ` and ${ON} sum ${BY} (increase(${M('requests')}[${RATE_WINDOW}])) >= ${MIN_REQUESTS}`;

const p95Ratio =
  `histogram_quantile(0.95, sum by (${KEEP.join(', ')}, le) (rate(${M('responseTime')}_bucket[${RATE_WINDOW}])))` +
  ` / ${ON} max ${BY} (${M('readTimeout')})`;

const causeSelector = (ids: readonly CauseId[]) => `max by (${KEEP.join(', ')}, cause) (${M('likelyCause')}{cause=~"${ids.join('|')}"})`;

/** Backend-down causes: the page that silences the 502-rate page of the same upstream (see routing.ts). */
export const BACKEND_DOWN_CAUSES = ['backend_crash', 'oom_kill', 'upstream_unreachable'] as const satisfies readonly CauseId[];
const REUSE_CAUSES = ['keepalive_idle_race', 'middlebox_idle_timeout', 'keepalive_reuse_closed'] as const satisfies readonly CauseId[];

function causeRule(name: string, uid: string, severity: Severity, team: Team, ids: readonly CauseId[], forDur: string): AlertDef {
  return {
    name,
    uid,
    severity,
    team,
    value: causeSelector(ids),
    op: '>',
    threshold: 0,
    for: forDur,
    causes: ids,
    summary: t`${causeLabel(ids)} on ${where}`,
    description: t`The collector's diagnosis of the last minutes names ${label('cause')} for ${where}: ${causeLabel(ids)}. Its evidence and the flowchart path are on the Upstream Doctor drill-down dashboard and at the collector's /api/diagnosis.`,
    runbook: t`${causeFix(ids)}`,
    runbookAnchor: 'cause',
    noData: 'OK',
  };
}

export const ALERTS: readonly AlertDef[] = [
  {
    name: 'UpstreamHigh502Rate',
    uid: 'upstream-doctor-502-rate',
    severity: 'critical',
    team: 'edge',
    value: ratio502,
    op: '>',
    threshold: THRESHOLDS.rate502,
    for: THRESHOLDS.sustainedFor,
    causes: ['backend_crash', 'oom_kill', ...REUSE_CAUSES, 'upstream_unreachable'],
    summary: t`502s are ${value('percent')} of requests to ${where}`,
    description: t`More than ${plain(pct(THRESHOLDS.rate502))} of client requests through ${where} were answered 502 for ${plain(THRESHOLDS.sustainedFor)}.${liveCause} Likely causes: ${plain(
      causeNames(['backend_crash', 'oom_kill', ...REUSE_CAUSES, 'upstream_unreachable']),
    )}.`,
    runbook: t`Open the drill-down dashboard for this upstream: the flowchart shows the path to the cause. Backend restarts or OOM kills at the same time mean a crash (check dmesg and the app logs); failures only on reused connections (connect time 0.000) after an idle gap mean a keepalive or load-balancer idle-timeout race (align the timeouts); refused connects that never recover mean nothing listens at the address.`,
    runbookAnchor: 'upstreamhigh502rate',
    noData: 'OK',
  },
  {
    name: 'UpstreamP95NearReadTimeout',
    uid: 'upstream-doctor-p95-read-timeout',
    severity: 'warning',
    team: 'backend',
    value: p95Ratio,
    op: '>',
    threshold: THRESHOLDS.p95ReadTimeoutRatio,
    for: THRESHOLDS.sustainedFor,
    causes: ['upstream_timeout', 'pmtu_black_hole'],
    summary: t`P95 upstream time is ${value('percent')} of proxy_read_timeout on ${where}`,
    description: t`The 95th percentile upstream response time of ${where} has been above ${plain(pct(THRESHOLDS.p95ReadTimeoutRatio))} of its proxy_read_timeout for ${plain(THRESHOLDS.sustainedFor)}: requests are about to end in 504s.${liveCause} Likely causes: ${plain(causeNames(['upstream_timeout', 'pmtu_black_hole']))}.`,
    runbook: t`${plain(CAUSES.upstream_timeout.fix[0])} If only large responses are slow while the header arrives fast, suspect a path-MTU black hole instead.`,
    runbookAnchor: 'upstreamp95nearreadtimeout',
    noData: 'OK',
  },
  {
    name: 'NginxWritingShareHigh',
    uid: 'upstream-doctor-writing-share',
    severity: 'warning',
    team: 'edge',
    value:
      `${M('nginxWritingShare')} and (${M('stubUp')} == 1)` +
      ` and ignoring (state) (${M('nginxConnections')}{state="active"} >= ${MIN_ACTIVE_CONNECTIONS})`,
    op: '>',
    threshold: THRESHOLDS.writingShare,
    for: THRESHOLDS.sustainedFor,
    causes: ['upstream_timeout'],
    summary: t`${value('percent')} of nginx connections are Writing${optLabel('host', ' on ')}`,
    description: t`More than ${plain(pct(THRESHOLDS.writingShare))} of the active client connections of nginx${optLabel('host', ' on ')} have been in the Writing state for ${plain(THRESHOLDS.sustainedFor)}: requests wait on slow upstreams (or slow clients) and workers fill up. Likely cause: ${plain(causeNames(['upstream_timeout']))}.`,
    runbook: t`Find which upstream is slow on the NOC dashboard (P95 against proxy_read_timeout per upstream). ${plain(CAUSES.upstream_timeout.fix[0])}`,
    runbookAnchor: 'nginxwritingsharehigh',
    noData: 'OK',
  },
  {
    name: 'UpstreamBackendRestarted',
    uid: 'upstream-doctor-backend-restarted',
    severity: 'critical',
    team: 'backend',
    value: `sum ${BY} (increase(${M('restarts')}[${EVENT_WINDOW}]))`,
    op: '>',
    threshold: 0,
    for: '0s',
    causes: ['backend_crash', 'oom_kill'],
    summary: t`Backend ${where} restarted`,
    description: t`${where} refused connections and then answered again within the last ${plain(EVENT_WINDOW)}: the backend crashed or was restarted while nginx sent it traffic.${liveCause} Likely causes: ${plain(causeNames(['backend_crash', 'oom_kill']))}.`,
    runbook: t`${plain(CAUSES.backend_crash.fix[0])} ${plain(CAUSES.oom_kill.fix[0])}`,
    runbookAnchor: 'upstreambackendrestarted',
    noData: 'OK',
  },
  {
    name: 'BackendOOMKilled',
    uid: 'upstream-doctor-oom-killed',
    severity: 'critical',
    team: 'backend',
    value: `sum by (cluster, host) (increase(${M('kernel')}{kind="oom_kill"}[${EVENT_WINDOW}]))`,
    op: '>',
    threshold: 0,
    for: '0s',
    causes: ['oom_kill'],
    summary: t`The kernel OOM-killed a process${optLabel('host', ' on ')}`,
    description: t`The kernel log${optLabel('host', ' of ')} reports OOM kills within the last ${plain(EVENT_WINDOW)}. If a backend was killed, the requests it held were reset. Likely cause: ${plain(causeNames(['oom_kill']))}.`,
    runbook: t`${plain(CAUSES.oom_kill.fix[0])} ${plain(CAUSES.oom_kill.fix[1])}`,
    runbookAnchor: 'backendoomkilled',
    noData: 'OK',
  },
  {
    name: 'UpstreamResetsByPeer',
    uid: 'upstream-doctor-resets-104',
    severity: 'warning',
    team: 'edge',
    value: `sum ${BY} (rate(${M('errorLog')}{class="reset_by_peer", upstream!="-"}[${RATE_WINDOW}]))`,
    op: '>',
    threshold: THRESHOLDS.resetsPerSecond,
    for: THRESHOLDS.sustainedFor,
    causes: [...REUSE_CAUSES, 'backend_crash'],
    summary: t`${value('fixed2')} upstream resets (104) per second from ${where}`,
    description: t`nginx has logged more than ${plain(String(THRESHOLDS.resetsPerSecond))} "recv() failed (104: Connection reset by peer)" per second from ${where} for ${plain(THRESHOLDS.sustainedFor)}.${liveCause} Likely causes: ${plain(causeNames([...REUSE_CAUSES, 'backend_crash']))}.`,
    runbook: t`Compare the idle gap before each failing request with the backend's keepalive timeout and any load balancer's idle timeout on the drill-down dashboard. ${plain(CAUSES.keepalive_idle_race.fix[0])}`,
    runbookAnchor: 'upstreamresetsbypeer',
    noData: 'OK',
  },
  causeRule('UpstreamBackendDown', 'upstream-doctor-backend-down', 'critical', 'backend', BACKEND_DOWN_CAUSES, '1m'),
  causeRule('UpstreamConnectionReuseFailing', 'upstream-doctor-reuse-failing', 'warning', 'edge', REUSE_CAUSES, '2m'),
  causeRule('UpstreamPathMTUBlackHole', 'upstream-doctor-pmtu', 'warning', 'edge', ['pmtu_black_hole'], '2m'),
  causeRule('UpstreamSlowerThanReadTimeout', 'upstream-doctor-slow-upstream', 'warning', 'backend', ['upstream_timeout'], '2m'),
  {
    name: 'UpstreamDoctorCollectorDown',
    uid: 'upstream-doctor-collector-down',
    severity: 'warning',
    team: 'edge',
    value: `up{job="${COLLECTOR_JOB}"}`,
    op: '<',
    threshold: 1,
    for: '2m',
    causes: [],
    summary: t`The Upstream Doctor collector ${label('instance')} cannot be scraped`,
    description: t`Prometheus has not scraped upstream-doctor watch at ${label('instance')}${optLabel('host', ' (host ', ')')} for 2 minutes: 502s on that host go unexplained until it is back.`,
    runbook: t`Check the service (systemctl status upstream-doctor), its listen address and the firewall between Prometheus and the host; its /healthz shows the files it tails and any lag.`,
    runbookAnchor: 'upstreamdoctorcollectordown',
    noData: 'NoData',
  },
  {
    name: 'NginxStubStatusUnreachable',
    uid: 'upstream-doctor-stub-status-down',
    severity: 'warning',
    team: 'edge',
    value: M('stubUp'),
    op: '<',
    threshold: 1,
    for: '2m',
    causes: [],
    summary: t`nginx stub_status is unreachable${optLabel('host', ' on ')}`,
    description: t`The collector${optLabel('host', ' on ')} has not read nginx stub_status for 2 minutes: the Writing share is unknown, and nginx itself may be down.`,
    runbook: t`Check that nginx runs and that the stub_status location the collector polls (stub_status: in its config) answers from the collector's host.`,
    runbookAnchor: 'nginxstubstatusunreachable',
    noData: 'OK',
  },
];

/** Per-upstream aggregates for dashboards over many hosts and for federation (docs/fleet.md). */
export const RECORDINGS: readonly RecordingDef[] = [
  {
    record: 'host_upstream:upstream_doctor_requests:rate5m',
    expr: `sum ${BY} (rate(${M('requests')}[${RATE_WINDOW}]))`,
    help: 'Client requests per second by upstream.',
  },
  {
    record: 'host_upstream:upstream_doctor_requests_502:rate5m',
    expr: `sum ${BY} (rate(${M('requests')}{status="502"}[${RATE_WINDOW}]))`,
    help: 'Client 502s per second by upstream.',
  },
  {
    record: 'host_upstream:upstream_doctor_502_ratio:rate5m',
    expr: `host_upstream:upstream_doctor_requests_502:rate5m / host_upstream:upstream_doctor_requests:rate5m`,
    help: 'Share of client requests answered 502.',
  },
  {
    record: 'host_upstream:upstream_doctor_response_seconds:p95_5m',
    expr: `histogram_quantile(0.95, sum by (${KEEP.join(', ')}, le) (rate(${M('responseTime')}_bucket[${RATE_WINDOW}])))`,
    help: 'P95 upstream response time.',
  },
  {
    record: 'host_upstream:upstream_doctor_p95_read_timeout_ratio:5m',
    expr: p95Ratio,
    help: 'P95 upstream response time as a share of proxy_read_timeout.',
  },
  {
    record: 'host_upstream:upstream_doctor_resets:rate5m',
    expr: `sum ${BY} (rate(${M('errorLog')}{class="reset_by_peer", upstream!="-"}[${RATE_WINDOW}]))`,
    help: 'Upstream resets (recv() 104) per second from the error log.',
  },
  {
    record: 'host_upstream:upstream_doctor_reused_share:rate5m',
    expr:
      `sum ${BY} (rate(${M('connections')}{connection="reused"}[${RATE_WINDOW}]))` +
      ` / sum ${BY} (rate(${M('connections')}[${RATE_WINDOW}]))`,
    help: 'Share of upstream attempts on a reused (pooled) connection.',
  },
];

/** The alerting expression: `(value) op threshold`. */
export function alertExpr(a: AlertDef): string {
  return `(${a.value}) ${a.op} ${a.threshold}`;
}

/** Parses `90s`, `5m`, `1h`, `0s` into seconds. */
export function durationSeconds(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`duration "${d}": expected a whole number of s, m or h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** A `for` duration divided by `factor`, rounded up to whole seconds (0 stays 0): tests keep the order of alerts. */
export function scaledFor(d: string, factor: number): string {
  const s = durationSeconds(d);
  return `${s === 0 ? 0 : Math.max(1, Math.ceil(s / factor))}s`;
}
