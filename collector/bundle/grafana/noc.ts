// The NOC dashboard: the fleet at a glance, legible across a room — the four warning signs as big
// numbers, their trends per upstream against the warning lines, the connect-time distribution, the
// diagnosis panel with its flowchart, and the likely cause per upstream linking to the drill-down.
import { CAUSES, CAUSE_IDS, type CauseId } from '../../diagnose/causes';
import { THRESHOLDS } from '../../diagnose/thresholds';
import { doctorPanel } from './doctorPanel';
import { DRILLDOWN_UID, NOC_UID } from './ids';
import { dashboard, dashboardLink, heatmap, labelVariable, stat, table, timeseries, warnSteps, type Json } from './panels';
import { HOST_SEL, Q, UPSTREAM_SEL } from './queries';

const PER_UPSTREAM = 'cluster, host, upstream';

/** Colours of the cause column: red when the backend is down, orange for connection-level causes. */
const CAUSE_COLOR: Record<CauseId, string> = {
  healthy: 'green',
  backend_crash: 'red',
  oom_kill: 'red',
  upstream_unreachable: 'red',
  keepalive_idle_race: 'orange',
  middlebox_idle_timeout: 'orange',
  keepalive_reuse_closed: 'orange',
  pmtu_black_hole: 'orange',
  upstream_timeout: 'orange',
  client_abort: 'blue',
};

export function causeMappings(): Json[] {
  const options: Record<string, Json> = {};
  CAUSE_IDS.forEach((id, index) => (options[id] = { text: CAUSES[id].label, color: CAUSE_COLOR[id], index }));
  return [{ type: 'value', options }];
}

export const drilldownUrl =
  `/d/${DRILLDOWN_UID}/upstream-doctor-upstream?var-cluster=\${__data.fields.cluster}&var-host=\${__data.fields.host}` +
  '&var-upstream=${__data.fields.upstream}&${__url_time_range}';

export function nocDashboard(): Json {
  const stats = [
    stat({
      id: 1,
      title: '502 rate',
      description: `Client requests answered 502, all selected upstreams. Warning above ${THRESHOLDS.rate502 * 100} % sustained.`,
      grid: { x: 0, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.ratio502(UPSTREAM_SEL, '') }],
      unit: 'percentunit',
      decimals: 2,
      steps: warnSteps(THRESHOLDS.rate502, THRESHOLDS.rate502 / 2),
    }),
    stat({
      id: 2,
      title: 'Writing share (worst host)',
      description: `nginx Writing connections / active connections (stub_status). Warning above ${THRESHOLDS.writingShare * 100} %.`,
      grid: { x: 4, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.writingShare(HOST_SEL, '') }],
      unit: 'percentunit',
      decimals: 0,
      steps: warnSteps(THRESHOLDS.writingShare, THRESHOLDS.writingShare - 0.2),
    }),
    stat({
      id: 3,
      title: 'P95 / proxy_read_timeout (worst)',
      description: `P95 upstream response time as a share of the upstream's proxy_read_timeout. Warning above ${THRESHOLDS.p95ReadTimeoutRatio * 100} %.`,
      grid: { x: 8, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: `max (${Q.p95Ratio(UPSTREAM_SEL, PER_UPSTREAM)})` }],
      unit: 'percentunit',
      decimals: 0,
      steps: warnSteps(THRESHOLDS.p95ReadTimeoutRatio, THRESHOLDS.p95ReadTimeoutRatio - 0.2),
    }),
    stat({
      id: 4,
      title: 'Upstreams with a named cause',
      description: 'Upstreams whose latest diagnosis is not "healthy".',
      grid: { x: 12, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.upstreamsWithCause(UPSTREAM_SEL) }],
      unit: 'none',
      decimals: 0,
      steps: warnSteps(1),
    }),
    stat({
      id: 5,
      title: 'Backend restarts',
      description: 'Upstreams that refused connections and then answered again, over the time range.',
      grid: { x: 16, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.restartsInRange(UPSTREAM_SEL) }],
      unit: 'none',
      decimals: 0,
      steps: warnSteps(1),
    }),
    stat({
      id: 6,
      title: 'Collectors up',
      description: 'Share of upstream-doctor watch targets Prometheus can scrape.',
      grid: { x: 20, y: 0, w: 4, h: 5 },
      queries: [{ refId: 'A', expr: Q.collectorsUp() }],
      unit: 'percentunit',
      decimals: 0,
      steps: [
        { color: 'red', value: null },
        { color: 'green', value: 1 },
      ],
    }),
  ];
  const trends = [
    timeseries(
      {
        id: 7,
        title: '502 rate per upstream',
        grid: { x: 0, y: 5, w: 12, h: 9 },
        queries: [{ refId: 'A', expr: Q.ratio502(UPSTREAM_SEL, PER_UPSTREAM), legend: '{{upstream}} {{host}}' }],
        unit: 'percentunit',
        min: 0,
        steps: warnSteps(THRESHOLDS.rate502),
      },
      { thresholdLine: true },
    ),
    timeseries(
      {
        id: 8,
        title: 'P95 upstream time / proxy_read_timeout',
        description: 'At 100 % requests end in 504. The red band starts at the warning line.',
        grid: { x: 12, y: 5, w: 12, h: 9 },
        queries: [{ refId: 'A', expr: Q.p95Ratio(UPSTREAM_SEL, PER_UPSTREAM), legend: '{{upstream}} {{host}}' }],
        unit: 'percentunit',
        min: 0,
        steps: warnSteps(THRESHOLDS.p95ReadTimeoutRatio),
      },
      { thresholdLine: true },
    ),
    heatmap({
      id: 9,
      title: 'Upstream connect time',
      description: 'Attempts per connect-time bucket. The 0 row is reused (pooled keepalive) connections.',
      grid: { x: 0, y: 14, w: 12, h: 9 },
      queries: [{ refId: 'A', expr: Q.connectHeatmap(UPSTREAM_SEL), legend: '{{le}}', format: 'heatmap' }],
    }),
    timeseries(
      {
        id: 10,
        title: 'Writing share per host',
        grid: { x: 12, y: 14, w: 12, h: 9 },
        queries: [{ refId: 'A', expr: Q.writingShare(HOST_SEL, 'cluster, host'), legend: '{{host}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        steps: warnSteps(THRESHOLDS.writingShare),
      },
      { thresholdLine: true },
    ),
  ];
  const diagnosis = [
    doctorPanel({ id: 11, title: 'Diagnosis', grid: { x: 0, y: 23, w: 14, h: 18 }, sel: UPSTREAM_SEL, hostSel: HOST_SEL, apiUrl: '' }),
    table({
      id: 12,
      title: 'Likely cause per upstream',
      description: 'The latest diagnosis of each upstream. Click an upstream for its drill-down.',
      grid: { x: 14, y: 23, w: 10, h: 18 },
      queries: [{ refId: 'A', expr: `${Q.likelyCause(UPSTREAM_SEL, `${PER_UPSTREAM}, cause`)} == 1`, instant: true, format: 'table' }],
      transformations: [
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, Value: true },
            indexByName: { host: 0, upstream: 1, cause: 2, cluster: 3 },
          },
        },
      ],
      overrides: [
        {
          matcher: { id: 'byName', options: 'upstream' },
          properties: [{ id: 'links', value: [{ title: 'Drill down into ${__data.fields.upstream}', url: drilldownUrl }] }],
        },
        {
          matcher: { id: 'byName', options: 'cause' },
          properties: [
            { id: 'mappings', value: causeMappings() },
            { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
          ],
        },
      ],
    }),
  ];
  return dashboard({
    uid: NOC_UID,
    title: 'Upstream Doctor — NOC',
    description: 'nginx upstream 502s across the fleet: warning signs, their likely cause, and the flowchart. Generated by collector/bundle/grafana/noc.ts.',
    tags: ['upstream-doctor', 'nginx', 'noc'],
    refresh: '30s',
    time: 'now-1h',
    variables: [
      labelVariable('cluster', 'Cluster', `label_values(${Q.buildInfo()}, cluster)`, { multi: true, includeAll: true }),
      labelVariable('host', 'Host', `label_values(${Q.buildInfo()}{cluster=~"$cluster"}, host)`, { multi: true, includeAll: true }),
      labelVariable('upstream', 'Upstream', `label_values(${Q.requestsMetric()}{${HOST_SEL}}, upstream)`, { multi: true, includeAll: true }),
    ],
    links: [dashboardLink('Upstream drill-down', DRILLDOWN_UID, 'upstream-doctor-upstream', 'One upstream, with its evidence, for this time range')],
    panels: [...stats, ...trends, ...diagnosis],
  });
}
