// The drill-down dashboard: one upstream over a chosen window, with the evidence behind its verdict —
// statuses, failure kinds, latency against proxy_read_timeout, connect times and reuse, error-log classes,
// cause scores, restarts and kernel events — and the diagnosis panel asking the collector for examples.
import { THRESHOLDS } from '../../diagnose/thresholds';
import { doctorPanel } from './doctorPanel';
import { DRILLDOWN_DOCTOR_PANEL_ID, DRILLDOWN_UID, NOC_UID } from './ids';
import { bargauge, dashboard, dashboardLink, heatmap, labelVariable, stat, textboxVariable, timeseries, warnSteps, type Json } from './panels';
import { HOST_SEL, Q, UPSTREAM_SEL } from './queries';

export function drilldownDashboard(): Json {
  const S = UPSTREAM_SEL;
  const stats = [
    stat({ id: 1, title: 'Requests', grid: { x: 0, y: 0, w: 4, h: 5 }, queries: [{ refId: 'A', expr: Q.requestsInRange(S, '') }], unit: 'short', decimals: 0 }),
    stat({
      id: 2,
      title: '502 share',
      grid: { x: 4, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.ratio502(S, '', '$__range') }],
      unit: 'percentunit',
      decimals: 2,
      steps: warnSteps(THRESHOLDS.rate502, THRESHOLDS.rate502 / 2),
    }),
    stat({
      id: 3,
      title: 'P95 / proxy_read_timeout',
      grid: { x: 8, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: `max (${Q.p95Ratio(S, 'cluster, host, upstream')})` }],
      unit: 'percentunit',
      decimals: 0,
      steps: warnSteps(THRESHOLDS.p95ReadTimeoutRatio, THRESHOLDS.p95ReadTimeoutRatio - 0.2),
    }),
    stat(
      {
        id: 4,
        title: 'Likely cause',
        grid: { x: 12, y: 0, w: 4, h: 5 },
        queries: [{ refId: 'A', expr: `${Q.likelyCause(S, 'cause')} == 1`, legend: '{{cause}}' }],
        steps: [{ color: 'blue', value: null }],
      },
      'name',
    ),
    stat({
      id: 5,
      title: 'Backend restarts',
      grid: { x: 16, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.restartsInRange(S) }],
      unit: 'none',
      decimals: 0,
      steps: warnSteps(1),
    }),
    stat({
      id: 6,
      title: 'OOM kills on the host',
      grid: { x: 20, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.oomInRange(HOST_SEL) }],
      unit: 'none',
      decimals: 0,
      steps: warnSteps(1),
    }),
  ];
  const doctor = doctorPanel({
    id: DRILLDOWN_DOCTOR_PANEL_ID,
    title: 'Diagnosis and evidence',
    grid: { x: 0, y: 5, w: 24, h: 16 },
    sel: S,
    hostSel: HOST_SEL,
    apiUrl: '$collector',
  });
  const evidence = [
    timeseries(
      { id: 11, title: 'Client requests by status', grid: { x: 0, y: 21, w: 12, h: 9 }, queries: [{ refId: 'A', expr: Q.statusRate(S), legend: '{{status}}' }], unit: 'reqps', min: 0 },
      { stacked: true },
    ),
    timeseries({
      id: 12,
      title: 'Failed upstream attempts by kind',
      description: 'connect: no connection; timeout: 504; dead_on_reuse / dead_on_new: a connection failed within a round trip; mid_request: later.',
      grid: { x: 12, y: 21, w: 12, h: 9 },
      queries: [{ refId: 'A', expr: Q.failuresByKind(S), legend: '{{kind}}' }],
      unit: 'reqps',
      min: 0,
    }),
    timeseries(
      {
        id: 13,
        title: 'Upstream time against proxy_read_timeout',
        grid: { x: 0, y: 30, w: 12, h: 9 },
        queries: [
          { refId: 'A', expr: Q.p(0.5, S, ''), legend: 'P50 response' },
          { refId: 'B', expr: Q.p(0.95, S, ''), legend: 'P95 response' },
          { refId: 'C', expr: Q.p(0.99, S, ''), legend: 'P99 response' },
          { refId: 'D', expr: Q.headerP(0.95, S), legend: 'P95 header' },
          { refId: 'E', expr: Q.readTimeout(S, ''), legend: 'proxy_read_timeout' },
        ],
        unit: 's',
        min: 0,
      },
      {},
    ),
    heatmap({
      id: 14,
      title: 'Connect time',
      description: 'The 0 row is reused (pooled keepalive) connections.',
      grid: { x: 12, y: 30, w: 12, h: 9 },
      queries: [{ refId: 'A', expr: Q.connectHeatmap(S), legend: '{{le}}', format: 'heatmap' }],
    }),
    timeseries({
      id: 15,
      title: 'Share of attempts on a reused connection',
      grid: { x: 0, y: 39, w: 8, h: 9 },
      queries: [{ refId: 'A', expr: Q.reusedShare(S, 'upstream'), legend: 'reused' }],
      unit: 'percentunit',
      min: 0,
      max: 1,
    }),
    timeseries({
      id: 16,
      title: 'Error-log events by class and phase',
      grid: { x: 8, y: 39, w: 8, h: 9 },
      queries: [{ refId: 'A', expr: Q.errorLog(S), legend: '{{class}} {{phase}}' }],
      unit: 'short',
      min: 0,
    }),
    bargauge({
      id: 17,
      title: 'Cause scores',
      description: 'How well each cause explains the latest diagnosis window (0–1).',
      grid: { x: 16, y: 39, w: 8, h: 9 },
      queries: [{ refId: 'A', expr: Q.causeScore(S, 'cause'), legend: '{{cause}}', instant: true }],
      unit: 'percentunit',
      min: 0,
      max: 1,
      steps: [
        { color: 'blue', value: null },
        { color: 'orange', value: 0.5 },
      ],
    }),
    timeseries({
      id: 18,
      title: 'Retries and restarts',
      grid: { x: 0, y: 48, w: 12, h: 8 },
      queries: [
        { refId: 'A', expr: Q.retries(S), legend: 'proxy_next_upstream retries /s' },
        { refId: 'B', expr: Q.restarts(S), legend: 'backend restarts' },
      ],
      unit: 'short',
      min: 0,
    }),
    timeseries({
      id: 19,
      title: 'Host: kernel events and nginx connections',
      grid: { x: 12, y: 48, w: 12, h: 8 },
      queries: [
        { refId: 'A', expr: Q.kernelEvents(HOST_SEL), legend: 'kernel {{kind}}' },
        { refId: 'B', expr: Q.connectionsByState(HOST_SEL), legend: 'nginx {{state}}' },
      ],
      unit: 'short',
      min: 0,
    }),
  ];
  return dashboard({
    uid: DRILLDOWN_UID,
    title: 'Upstream Doctor — upstream drill-down',
    description: 'One upstream over the chosen time range: the verdict, the flowchart path and the evidence. Generated by collector/bundle/grafana/drilldown.ts.',
    tags: ['upstream-doctor', 'nginx'],
    refresh: '1m',
    time: 'now-30m',
    variables: [
      labelVariable('cluster', 'Cluster', `label_values(${Q.buildInfo()}, cluster)`, { multi: false, includeAll: true }),
      labelVariable('host', 'Host', `label_values(${Q.buildInfo()}{cluster=~"$cluster"}, host)`, { multi: false, includeAll: true }),
      labelVariable('upstream', 'Upstream', `label_values(${Q.requestsMetric()}{${HOST_SEL}}, upstream)`, { multi: false, includeAll: false }),
      textboxVariable('collector', 'Collector URL', "Base URL of this host's upstream-doctor watch (e.g. http://web-1:9797) for the engine's evidence and failing requests; empty: metrics only."),
    ],
    links: [dashboardLink('NOC overview', NOC_UID, 'upstream-doctor-noc', 'Every upstream, same time range')],
    panels: [...stats, doctor, ...evidence],
  });
}
