// The PromQL both dashboards draw, built from the metric catalogue so a renamed metric breaks the build of
// the dashboards, not the dashboards in production. `sel` is the dashboard's label filter.
import { COLLECTOR_JOB } from '../alerting/rules';
import { METRICS } from '../../metrics/catalogue';

const M = (k: keyof typeof METRICS) => METRICS[k].name;

/** Label filter of a per-upstream series on the dashboard's variables. */
export const UPSTREAM_SEL = 'cluster=~"$cluster", host=~"$host", upstream=~"$upstream"';
/** Label filter of a per-host series (stub_status, kernel). */
export const HOST_SEL = 'cluster=~"$cluster", host=~"$host"';

const with_ = (sel: string, extra?: string) => `{${extra ? `${sel}, ${extra}` : sel}}`;

export const Q = {
  ratio502: (sel: string, by: string, w = '$__rate_interval') =>
    `sum${by ? ` by (${by})` : ''} (rate(${M('requests')}${with_(sel, 'status="502"')}[${w}]))` +
    ` / sum${by ? ` by (${by})` : ''} (rate(${M('requests')}${with_(sel)}[${w}]))`,
  statusRate: (sel: string) => `sum by (status) (rate(${M('requests')}${with_(sel)}[$__rate_interval]))`,
  requestsInRange: (sel: string, by: string) => `sum${by ? ` by (${by})` : ''} (increase(${M('requests')}${with_(sel)}[$__range]))`,
  p: (q: number, sel: string, by: string) =>
    `histogram_quantile(${q}, sum by (${by ? `${by}, ` : ''}le) (rate(${M('responseTime')}_bucket${with_(sel)}[$__rate_interval])))`,
  headerP: (q: number, sel: string) => `histogram_quantile(${q}, sum by (le) (rate(${M('headerTime')}_bucket${with_(sel)}[$__rate_interval])))`,
  readTimeout: (sel: string, by: string) => `max${by ? ` by (${by})` : ''} (${M('readTimeout')}${with_(sel)})`,
  p95Ratio: (sel: string, by: string) =>
    `histogram_quantile(0.95, sum by (${by}, le) (rate(${M('responseTime')}_bucket${with_(sel)}[$__rate_interval])))` +
    ` / on (${by}) max by (${by}) (${M('readTimeout')}${with_(sel)})`,
  connectHeatmap: (sel: string) => `sum by (le) (increase(${M('connectTime')}_bucket${with_(sel)}[$__rate_interval]))`,
  connectInRange: (sel: string, by: string) => `sum by (${by ? `${by}, ` : ''}le) (increase(${M('connectTime')}_bucket${with_(sel)}[$__range]))`,
  reusedShare: (sel: string, by: string) =>
    `sum by (${by}) (rate(${M('connections')}${with_(sel, 'connection="reused"')}[$__rate_interval]))` +
    ` / sum by (${by}) (rate(${M('connections')}${with_(sel)}[$__rate_interval]))`,
  failuresByKind: (sel: string) => `sum by (kind) (rate(${M('failures')}${with_(sel)}[$__rate_interval]))`,
  errorLog: (sel: string) => `sum by (class, phase) (rate(${M('errorLog')}${with_(sel)}[$__rate_interval]))`,
  retries: (sel: string) => `sum (rate(${M('retries')}${with_(sel)}[$__rate_interval]))`,
  restartsInRange: (sel: string) => `sum (increase(${M('restarts')}${with_(sel)}[$__range]))`,
  restarts: (sel: string) => `sum (increase(${M('restarts')}${with_(sel)}[$__rate_interval]))`,
  oomInRange: (sel: string) => `sum (increase(${M('kernel')}${with_(sel, 'kind="oom_kill"')}[$__range]))`,
  kernelEvents: (sel: string) => `sum by (kind) (increase(${M('kernel')}${with_(sel)}[$__rate_interval]))`,
  writingShare: (sel: string, by: string) => `max${by ? ` by (${by})` : ''} (${M('nginxWritingShare')}${with_(sel)})`,
  connectionsByState: (sel: string) => `sum by (state) (${M('nginxConnections')}${with_(sel, 'state!="active"')})`,
  stubUp: (sel: string) => `min by (host) (${M('stubUp')}${with_(sel)})`,
  likelyCause: (sel: string, by: string) => `max by (${by}) (${M('likelyCause')}${with_(sel)})`,
  namedCause: (sel: string, by: string) => `max by (${by}) (${M('likelyCause')}${with_(sel, 'cause!="healthy"')}) == 1`,
  causeScore: (sel: string, by: string) => `max by (${by}) (${M('causeScore')}${with_(sel)})`,
  upstreamsWithCause: (sel: string) =>
    `count (max by (cluster, host, upstream) (${M('likelyCause')}${with_(sel, 'cause!="healthy"')}) == 1) or vector(0)`,
  collectorsUp: () => `sum (up{job="${COLLECTOR_JOB}"}) / count (up{job="${COLLECTOR_JOB}"})`,
  buildInfo: () => M('buildInfo'),
  requestsMetric: () => M('requests'),
};
