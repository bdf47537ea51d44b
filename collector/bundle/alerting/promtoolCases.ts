// promtool unit tests for every rule: for each alert a case where it fires (with the labels and the
// annotations Prometheus must render) and cases where it must stay quiet, plus the recording rules' values.
// Inputs are per-minute counter steps chosen so the expected values are exact.
import { METRICS } from '../../metrics/catalogue';
import { annotationTexts, alertLabels } from './promRules';
import { ALERTS, COLLECTOR_JOB, type AlertDef } from './rules';
import { renderExpected } from './text';

const M = (k: keyof typeof METRICS) => METRICS[k].name;

export const HOST = { job: COLLECTOR_JOB, instance: 'web-1:9797', cluster: 'eu-1', host: 'web-1' };
export const UPSTREAM = '10.0.0.1:8080';
const KEYS = { cluster: HOST.cluster, host: HOST.host, upstream: UPSTREAM };

export interface Series {
  series: string;
  values: string;
}

export interface AlertCase {
  alert: string;
  name: string;
  /** Minutes after the first sample. */
  evalMinutes: number;
  input: Series[];
  /** Empty: the alert must not fire. */
  expect: Array<{ labels: Record<string, string>; value: number; liveCause?: string }>;
}

function series(metric: string, labels: Record<string, string>, values: string): Series {
  const all = { ...HOST, ...labels };
  const text = Object.entries(all)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return { series: `${metric}{${text}}`, values };
}

const requests = (status: string, perMin: number) => series(M('requests'), { upstream: UPSTREAM, status }, `0+${perMin}x20`);
const cause = (id: string, v: number) => series(M('likelyCause'), { upstream: UPSTREAM, cause: id }, `${v}x20`);
const buckets = (perMin: Record<string, number>) =>
  Object.entries(perMin).map(([le, n]) => series(`${M('responseTime')}_bucket`, { upstream: UPSTREAM, le }, `0+${n}x20`));
const readTimeout = series(M('readTimeout'), { upstream: UPSTREAM }, '10x20');
const resets = (upstream: string, perMin: number) =>
  series(M('errorLog'), { upstream, class: 'reset_by_peer', phase: 'reading_response_header' }, `0+${perMin}x20`);
const writing = (share: number, active: number, up = 1) => [
  series(M('nginxWritingShare'), {}, `${share}x20`),
  series(M('stubUp'), {}, `${up}x20`),
  series(M('nginxConnections'), { state: 'active' }, `${active}x20`),
];
const quietCauses = ['healthy', 'backend_crash', 'oom_kill', 'middlebox_idle_timeout', 'pmtu_black_hole', 'upstream_timeout'];
const onlyCause = (id: string) => quietCauses.map((c) => cause(c, c === id ? 1 : 0));

const fires = (alert: string, evalMinutes: number, input: Series[], labels: Record<string, string>, value: number, liveCause?: string): AlertCase => ({
  alert,
  name: `${alert} fires`,
  evalMinutes,
  input,
  expect: [{ labels, value, liveCause }],
});
const quiet = (alert: string, why: string, evalMinutes: number, input: Series[]): AlertCase => ({ alert, name: `${alert} stays quiet: ${why}`, evalMinutes, input, expect: [] });

export const ALERT_CASES: readonly AlertCase[] = [
  fires('UpstreamHigh502Rate', 15, [requests('2xx', 570), requests('502', 30), cause('backend_crash', 1)], KEYS, 0.05, 'backend_crash'),
  quiet('UpstreamHigh502Rate', '0.5 % 502s', 15, [requests('2xx', 597), requests('502', 3)]),
  quiet('UpstreamHigh502Rate', 'too little traffic to tell', 15, [requests('2xx', 1), requests('502', 1)]),
  quiet('UpstreamHigh502Rate', 'not sustained for long enough', 3, [requests('2xx', 570), requests('502', 30)]),

  fires('UpstreamP95NearReadTimeout', 15, [...buckets({ '1': 0, '5': 0, '10': 60, '+Inf': 60 }), readTimeout], KEYS, 0.975),
  quiet('UpstreamP95NearReadTimeout', 'P95 far below the timeout', 15, [...buckets({ '1': 60, '5': 60, '10': 60, '+Inf': 60 }), readTimeout]),

  fires('NginxWritingShareHigh', 15, writing(0.95, 40), { ...HOST }, 0.95),
  quiet('NginxWritingShareHigh', 'half the connections writing', 15, writing(0.5, 40)),
  quiet('NginxWritingShareHigh', 'too few connections to tell', 15, writing(0.95, 3)),
  quiet('NginxWritingShareHigh', 'stub_status down (stale share)', 15, writing(0.95, 40, 0)),

  fires('UpstreamBackendRestarted', 5, [series(M('restarts'), { upstream: UPSTREAM }, '0 0 0 1 1 1 1 1 1 1'), cause('backend_crash', 1)], KEYS, 1, 'backend_crash'),
  quiet('UpstreamBackendRestarted', 'no restart', 5, [series(M('restarts'), { upstream: UPSTREAM }, '0x10')]),

  fires('BackendOOMKilled', 4, [series(M('kernel'), { kind: 'oom_kill' }, '0 0 1 1 1 1')], { cluster: HOST.cluster, host: HOST.host }, 1),
  quiet('BackendOOMKilled', 'only a segfault', 4, [series(M('kernel'), { kind: 'oom_kill' }, '0x6'), series(M('kernel'), { kind: 'segfault' }, '0 0 1 1 1 1')]),

  fires('UpstreamResetsByPeer', 15, [resets(UPSTREAM, 30)], KEYS, 0.5),
  quiet('UpstreamResetsByPeer', 'a few resets', 15, [resets(UPSTREAM, 3)]),
  quiet('UpstreamResetsByPeer', 'client-side resets only', 15, [resets('-', 300)]),

  fires('UpstreamBackendDown', 5, onlyCause('backend_crash'), { ...KEYS, cause: 'backend_crash' }, 1),
  quiet('UpstreamBackendDown', 'the verdict is healthy', 5, onlyCause('healthy')),
  quiet('UpstreamBackendDown', 'the verdict is a keepalive cause', 5, onlyCause('middlebox_idle_timeout')),

  fires('UpstreamConnectionReuseFailing', 5, onlyCause('middlebox_idle_timeout'), { ...KEYS, cause: 'middlebox_idle_timeout' }, 1),
  quiet('UpstreamConnectionReuseFailing', 'the verdict is a crash', 5, onlyCause('backend_crash')),

  fires('UpstreamPathMTUBlackHole', 5, onlyCause('pmtu_black_hole'), { ...KEYS, cause: 'pmtu_black_hole' }, 1),
  quiet('UpstreamPathMTUBlackHole', 'the verdict is healthy', 5, onlyCause('healthy')),

  fires('UpstreamSlowerThanReadTimeout', 5, onlyCause('upstream_timeout'), { ...KEYS, cause: 'upstream_timeout' }, 1),
  quiet('UpstreamSlowerThanReadTimeout', 'the verdict is healthy', 5, onlyCause('healthy')),

  fires('UpstreamDoctorCollectorDown', 5, [{ series: `up{job="${COLLECTOR_JOB}",instance="web-1:9797"}`, values: '0x10' }], { job: COLLECTOR_JOB, instance: 'web-1:9797' }, 0),
  quiet('UpstreamDoctorCollectorDown', 'scraped fine', 5, [{ series: `up{job="${COLLECTOR_JOB}",instance="web-1:9797"}`, values: '1x10' }]),
  quiet('UpstreamDoctorCollectorDown', 'another job is down', 5, [{ series: 'up{job="node",instance="web-1:9100"}', values: '0x10' }]),

  fires('NginxStubStatusUnreachable', 5, [series(M('stubUp'), {}, '0x10')], { ...HOST }, 0),
  quiet('NginxStubStatusUnreachable', 'stub_status answers', 5, [series(M('stubUp'), {}, '1x10')]),
];

/** Recording rules evaluated on one input, with values worked out by hand (per-minute steps / 60). */
export const RECORDING_CASE = {
  evalMinutes: 15,
  input: [
    requests('2xx', 570),
    requests('502', 30),
    ...buckets({ '1': 0, '5': 0, '10': 60, '+Inf': 60 }),
    readTimeout,
    resets(UPSTREAM, 30),
    series(M('connections'), { upstream: UPSTREAM, connection: 'reused' }, '0+45x20'),
    series(M('connections'), { upstream: UPSTREAM, connection: 'new' }, '0+15x20'),
  ],
  expect: {
    'host_upstream:upstream_doctor_requests:rate5m': 10,
    'host_upstream:upstream_doctor_requests_502:rate5m': 0.5,
    'host_upstream:upstream_doctor_502_ratio:rate5m': 0.05,
    'host_upstream:upstream_doctor_response_seconds:p95_5m': 9.75,
    'host_upstream:upstream_doctor_p95_read_timeout_ratio:5m': 0.975,
    'host_upstream:upstream_doctor_resets:rate5m': 0.5,
    'host_upstream:upstream_doctor_reused_share:rate5m': 0.75,
  } as Record<string, number>,
};

function alertDef(name: string): AlertDef {
  const a = ALERTS.find((x) => x.name === name);
  if (!a) throw new Error(`promtool case for unknown alert ${name}`);
  return a;
}

const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

/** The promtool test file (`promtool test rules FILE`), rule file path relative to it. */
export function promtoolTests(ruleFile: string, runbookBase?: string): Record<string, unknown> {
  const tests: unknown[] = ALERT_CASES.map((c) => {
    const a = alertDef(c.alert);
    return {
      name: c.name,
      interval: '1m',
      input_series: c.input,
      alert_rule_test: [
        {
          eval_time: `${c.evalMinutes}m`,
          alertname: c.alert,
          exp_alerts: c.expect.map((e) => {
            const labels = { ...e.labels, ...alertLabels(a) };
            const ctx = { labels, value: e.value, liveCause: e.liveCause };
            return {
              exp_labels: labels,
              exp_annotations: Object.fromEntries(Object.entries(annotationTexts(a, runbookBase)).map(([k, v]) => [k, renderExpected(v, ctx)])),
            };
          }),
        },
      ],
    };
  });
  tests.push({
    name: 'recording rules',
    interval: '1m',
    input_series: RECORDING_CASE.input,
    promql_expr_test: Object.entries(RECORDING_CASE.expect).map(([record, v]) => ({
      expr: record,
      eval_time: `${RECORDING_CASE.evalMinutes}m`,
      exp_samples: [{ labels: `${record}${labelText(KEYS)}`, value: v }],
    })),
  });
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}
