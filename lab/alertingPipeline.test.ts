// The alerting path end to end with real parts: the fault lab's nginx produces a backend crash and a
// healthy run; `upstream-doctor watch` replays each (real nginx lines, re-timed to now) under its own
// host label; a real Prometheus scrapes both every second and evaluates the shipped rules (their `for`
// scaled down 12×, so the order in which alerts fire is the production one); a real Alertmanager routes
// with the shipped tree and inhibitions to a webhook receiver on 127.0.0.1, one path per receiver.
// Then every PromQL expression of the dashboards and the Grafana rule file runs against that Prometheus.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { CAUSES } from '../collector/diagnose/causes';
import { alertmanagerConfig } from '../collector/bundle/alerting/alertmanagerConfig';
import type { GrafanaRuleFile } from '../collector/bundle/alerting/grafanaRules';
import { prometheusRules } from '../collector/bundle/alerting/promRules';
import { ALERTS, COLLECTOR_JOB, scaledFor, durationSeconds } from '../collector/bundle/alerting/rules';
import { dashboardExprs, variableQueries, type ExprSite } from '../collector/testing/grafanaWalk';
import { DRILLDOWN_UID, NOC_UID } from '../collector/bundle/grafana/ids';
import { cliPath, startWatch, waitFor, type WatchProcess } from '../collector/testing/watchProcess';
import { NGINX_BIN, startNginx, type NginxHandle } from './nginx';
import { STATUS_PATH } from './nginxConf';
import { freePort } from './ports';
import { backendScript } from './processes';
import { ALERTMANAGER_BIN, PROMETHEUS_BIN, getJson, promQuery, startAlertmanager, startPrometheus, type Served } from './promStack';
import { backendCrash, healthy, type ScenarioResult } from './scenarios';
import { startWebhookSink, type Delivery, type WebhookSink } from './webhookSink';

const SCALE = 12;
const CRASH_HOST = 'crash-host';
const HEALTHY_HOST = 'healthy-host';
const CLUSTER = 'lab';

let work = '';
let crashUpstream = '';
let healthyUpstream = '';
let stubNginx: NginxHandle | undefined;
let sink: WebhookSink | undefined;
let am: Served | undefined;
let prom: Served | undefined;
const watches: WatchProcess[] = [];
let scrapingSince = 0;
const timings: Record<string, number> = {};
const t0 = Date.now();
const mark = (what: string) => (timings[what] = Math.round((Date.now() - t0) / 100) / 10);

/** The address of the lab backend in the scenario's nginx.conf (one upstream server). */
function upstreamOf(res: ScenarioResult): string {
  const m = /^\s*server (127\.0\.0\.1:\d+);/m.exec(fs.readFileSync(res.nginxConf, 'utf8'));
  if (!m) throw new Error(`no upstream server in ${res.nginxConf}`);
  return m[1];
}

/**
 * A host with kernel logging has kernel lines whether or not anything is killed; the collector exports its
 * kernel counters (at 0) from the first one. The healthy run gets one harmless line at its start.
 */
function addBenignKernelLine(res: ScenarioResult): void {
  const first = /msec=(\d+)\./.exec(fs.readFileSync(res.accessLog, 'utf8'));
  if (!first) throw new Error(`no msec= in ${res.accessLog}`);
  const d = new Date(Number(first[1]) * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  fs.writeFileSync(path.join(res.dir, 'kern.log'), `${stamp} lab kernel: [ 4242.000001] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None\n`);
}

function collectorConfig(name: string, labels: Record<string, string>, stubStatus: string): string {
  const file = path.join(work, `${name}.watch.yml`);
  fs.writeFileSync(file, stringify({ labels, stub_status: stubStatus, stub_status_interval: '1s' }));
  return file;
}

const deliveries = (pred: (d: Delivery, a: Delivery['alerts'][number]) => boolean) =>
  (sink?.deliveries ?? []).flatMap((d) => d.alerts.filter((a) => pred(d, a)).map((a) => ({ d, a })));

beforeAll(async () => {
  const missing = [NGINX_BIN, PROMETHEUS_BIN, ALERTMANAGER_BIN, backendScript(), cliPath()].filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`alerting e2e prerequisites missing: ${missing.join(', ')} (bash scripts/setup.sh && npm run build)`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-doctor-alerting-'));

  const crash = await backendCrash(path.join(work, 'backend_crash'));
  const calm = await healthy(path.join(work, 'healthy'));
  crashUpstream = upstreamOf(crash);
  healthyUpstream = upstreamOf(calm);
  addBenignKernelLine(calm);
  mark('lab scenarios done');

  // A real stub_status for the healthy host; the crash host polls a port nothing listens on.
  stubNginx = await startNginx({ dir: path.join(work, 'stub-nginx'), groups: [], locations: [] });
  const deadStub = `http://127.0.0.1:${await freePort()}${STATUS_PATH}`;

  sink = await startWebhookSink();
  am = await startAlertmanager({
    dir: work,
    config: stringify(
      alertmanagerConfig({
        receiverConfig: (r) => ({ webhook_configs: [{ url: `${sink!.url}/${r.name}`, send_resolved: false }] }),
        timings: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
      }),
    ),
  });

  // One at a time, so a failure to start the second still leaves the first to afterAll.
  watches.push(await startWatch(['--replay', crash.dir, '--config', collectorConfig('crash', { host: CRASH_HOST, cluster: CLUSTER }, deadStub)]));
  const healthyStub = `http://127.0.0.1:${stubNginx.port}${STATUS_PATH}`;
  watches.push(await startWatch(['--replay', calm.dir, '--config', collectorConfig('healthy', { host: HEALTHY_HOST, cluster: CLUSTER }, healthyStub)]));

  fs.writeFileSync(path.join(work, 'rules.yml'), stringify(prometheusRules({ forOf: (a) => scaledFor(a.for, SCALE) }), { lineWidth: 0 }));
  prom = await startPrometheus({
    dir: work,
    config: stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
      rule_files: ['rules.yml'],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${am.port}`] }] }] },
      scrape_configs: [
        {
          job_name: COLLECTOR_JOB,
          honor_labels: true,
          static_configs: [{ targets: watches.map((w) => w.base.replace('http://', '')) }],
        },
      ],
    }),
  });
  scrapingSince = Date.now();
  mark('stack up');
}, 150_000);

afterAll(async () => {
  for (const w of watches) await w.stop().catch(() => undefined);
  await prom?.stop();
  await am?.stop();
  await sink?.close();
  await stubNginx?.stop().catch(() => undefined);
  if (work && process.env.UPSTREAM_DOCTOR_KEEP_LAB !== '1') fs.rmSync(work, { recursive: true, force: true });
  // Timings of this run, for the report (visible with --verbose).
  process.stderr.write(`alerting e2e timings (s since start): ${JSON.stringify(timings)}\n`);
}, 30_000);

const stackLog = () => `\nprometheus: ${prom?.log().slice(-600)}\nalertmanager: ${am?.log().slice(-600)}\nwatch: ${watches.map((w) => w.stderr().slice(-400)).join('\n')}`;

describe('backend crash → watch → Prometheus → Alertmanager → pager', () => {
  it('pages the backend on-call naming the crashed upstream and its cause', async () => {
    await waitFor(
      'a backend-down page for the crashed upstream',
      async () => deliveries((d, a) => d.path === '/oncall-pager-backend' && a.labels.alertname === 'UpstreamBackendDown' && a.labels.upstream === crashUpstream).length > 0,
      90_000,
      250,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; received: ${JSON.stringify(sink?.deliveries.map((d) => [d.path, d.alerts.map((a) => a.labels.alertname)]))}${stackLog()}`);
    });
    mark('backend-down page');
    const [{ a }] = deliveries((d, x) => d.path === '/oncall-pager-backend' && x.labels.alertname === 'UpstreamBackendDown');
    expect(a.status).toBe('firing');
    expect(a.labels).toMatchObject({ upstream: crashUpstream, host: CRASH_HOST, cluster: CLUSTER, severity: 'critical', team: 'backend' });
    expect(['backend_crash', 'oom_kill']).toContain(a.labels.cause);
    const cause = a.labels.cause as 'backend_crash' | 'oom_kill';
    expect(a.annotations.summary).toBe(`${CAUSES[cause].label} on ${crashUpstream} on ${CRASH_HOST}`);
    expect(a.annotations.runbook).toBe(CAUSES[cause].fix[0]);
    expect(a.annotations.runbook_url).toBe(`docs/runbooks.md#${cause}`);
  }, 100_000);

  it('pages the restart too, and sends the warning (stub_status unreachable) to the ticket channel, not the pager', async () => {
    await waitFor(
      'the restart page and the stub_status ticket',
      async () =>
        deliveries((d, a) => d.path === '/oncall-pager-backend' && a.labels.alertname === 'UpstreamBackendRestarted' && a.labels.upstream === crashUpstream).length > 0 &&
        deliveries((d, a) => d.path === '/tickets-edge' && a.labels.alertname === 'NginxStubStatusUnreachable' && a.labels.host === CRASH_HOST).length > 0,
      60_000,
      250,
    );
    mark('restart page and ticket');
    const pagerAlerts = deliveries((d) => d.path.startsWith('/oncall-pager')).map(({ a }) => a);
    expect(pagerAlerts.every((a) => a.labels.severity === 'critical')).toBe(true);
    const ticketAlerts = deliveries((d) => d.path.startsWith('/tickets')).map(({ a }) => a);
    expect(ticketAlerts.every((a) => a.labels.severity === 'warning')).toBe(true);
  }, 70_000);

  it('silences the 502-rate page of the same upstream while the backend-down pages fire (inhibition)', async () => {
    interface AmAlert {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }
    const filter = encodeURIComponent(`alertname="UpstreamHigh502Rate"`);
    let last: AmAlert | undefined;
    // Alertmanager marks an alert inhibited when its group is first processed (group_wait), so poll the state.
    await waitFor(
      'the 502-rate alert for the crashed upstream to reach Alertmanager, suppressed',
      async () => {
        last = (await getJson<AmAlert[]>(am!.base, `/api/v2/alerts?filter=${filter}`)).find((x) => x.labels.upstream === crashUpstream);
        return last?.status.state === 'suppressed';
      },
      90_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last seen: ${JSON.stringify(last?.status ?? 'not in Alertmanager')}`);
    });
    mark('502-rate alert in Alertmanager, suppressed');
    expect(last!.status.inhibitedBy.length).toBeGreaterThan(0);

    // Prometheus fired it with the collector's verdict looked up live in its description.
    const alerts = await getJson<{ data: { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }> } }>(
      prom!.base,
      '/api/v1/alerts',
    );
    const fired = alerts.data.alerts.find((x) => x.labels.alertname === 'UpstreamHigh502Rate' && x.labels.upstream === crashUpstream);
    expect(fired?.state).toBe('firing');
    expect(fired?.annotations.description).toMatch(/The collector names the cause: (backend_crash|oom_kill)\./);

    // A group interval later, still no 502-rate notification anywhere.
    await new Promise((r) => setTimeout(r, 2500));
    expect(deliveries((_d, a) => a.labels.alertname === 'UpstreamHigh502Rate')).toEqual([]);
  }, 100_000);
});

describe('healthy traffic', () => {
  it('is scraped, diagnosed healthy, and pages no one', async () => {
    // Long enough for the slowest scaled rule to have fired had its condition held.
    const longestFor = Math.max(...ALERTS.map((a) => durationSeconds(scaledFor(a.for, SCALE))));
    const quietUntil = scrapingSince + (longestFor + 15) * 1000;
    if (Date.now() < quietUntil) await new Promise((r) => setTimeout(r, quietUntil - Date.now()));
    mark('healthy observed');

    const q = async (expr: string) => {
      const r = await promQuery(prom!.base, expr);
      expect(r.status).toBe('success');
      return r.data!.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    };
    const requests = await q(`sum(upstream_doctor_requests_total{host="${HEALTHY_HOST}"})`);
    expect(Number(requests[0]?.value[1])).toBeGreaterThan(100);
    const verdict = await q(`upstream_doctor_likely_cause{host="${HEALTHY_HOST}"} == 1`);
    expect(verdict.map((s) => s.metric.cause)).toEqual(['healthy']);
    expect(await q(`upstream_doctor_stub_status_up{host="${HEALTHY_HOST}"} == 1`)).toHaveLength(1);
    expect(await q(`ALERTS{host="${HEALTHY_HOST}"}`)).toEqual([]);
    expect(deliveries((_d, a) => a.labels.host === HEALTHY_HOST)).toEqual([]);
  }, 70_000);
});

/**
 * Variable and macro values as Grafana would substitute them: the NOC with every variable on All, the
 * drill-down (single host and upstream) once for each host.
 */
function substitute(expr: string, pick: { host: string; upstream: string } | null): string {
  const vars: Record<string, string> = {
    cluster: '.*',
    host: pick ? pick.host : '.*',
    upstream: pick ? pick.upstream : '.*',
    __rate_interval: '1m',
    __range: '5m',
    __interval: '15s',
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (all, name: string) => {
    if (!(name in vars)) throw new Error(`unknown variable ${all} in ${expr}`);
    return vars[name];
  });
}

/** Queries that may rightly return no series on this lab data, and why. */
const MAY_BE_EMPTY: Record<string, string> = {
  'grafana rule NginxWritingShareHigh': 'guarded to 10+ active connections; the idle stub_status nginx has none',
};

/** Where an expression sits and the variants it runs as; it must answer in all and return data in one. */
interface Check {
  where: string;
  variants: string[];
}

describe('every PromQL expression the bundle ships runs on the real Prometheus', () => {
  it('dashboard panels and variables, and Grafana rule queries, evaluate without error and return data', async () => {
    // The committed files, as an operator drops them in (bundle.test.ts proves they equal the generators).
    const root = path.resolve(__dirname, '..');
    const readDashboard = (uid: string) => JSON.parse(fs.readFileSync(path.join(root, 'dashboards', `${uid}.json`), 'utf8')) as Record<string, unknown>;
    const noc = readDashboard(NOC_UID);
    const drill = readDashboard(DRILLDOWN_UID);
    const grafanaRuleFile = parse(fs.readFileSync(path.join(root, 'provisioning', 'alerting', 'upstream-doctor-rules.yaml'), 'utf8')) as GrafanaRuleFile;
    const hosts = [
      { host: CRASH_HOST, upstream: crashUpstream },
      { host: HEALTHY_HOST, upstream: healthyUpstream },
    ];
    const variants = (d: Record<string, unknown>, expr: string) => (d === noc ? [substitute(expr, null)] : hosts.map((h) => substitute(expr, h)));
    const checks: Check[] = [
      ...[noc, drill].flatMap((d) => dashboardExprs(d).map((s: ExprSite) => ({ where: s.where, variants: variants(d, s.expr) }))),
      ...[noc, drill].flatMap((d) =>
        variableQueries(d).map((v) => ({ where: `${String(d.uid)} variable ${v.name}`, variants: variants(d, `group by (${v.label}) (${v.selector})`) })),
      ),
      ...grafanaRuleFile.groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `grafana rule ${r.title}`, variants: [String(r.data.find((q) => q.refId === 'A')!.model.expr)] })),
      ),
    ];
    expect(checks.length).toBeGreaterThan(40);
    const errors: string[] = [];
    const empty: string[] = [];
    for (const c of checks) {
      let anyData = false;
      for (const expr of c.variants) {
        const r = await promQuery(prom!.base, expr);
        if (r.status !== 'success') errors.push(`${c.where}: ${r.error} — ${expr}`);
        else if (!Array.isArray(r.data?.result) || r.data!.result.length > 0) anyData = true;
      }
      if (!anyData && !MAY_BE_EMPTY[c.where]) empty.push(`${c.where}: ${c.variants[0]}`);
    }
    mark('expressions checked');
    expect(errors).toEqual([]);
    expect(empty).toEqual([]);
  }, 60_000);
});
