// The plugin inside Debian's real Netdata 1.37: Netdata starts it from a plugins directory, it tails a
// fault-lab recording (backend_crash, written in two steps so the alarms have history before the crash),
// and everything is read back through Netdata's HTTP API — chart definitions and labels from
// /api/v1/charts, values from /api/v1/data compared with what `upstream-doctor watch` serves at /metrics
// for the same files, and the alarms of the generated health.d file in /api/v1/alarms.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAUSE_IDS } from '../diagnose/causes';
import { startWatch, sumOf, waitFor, type WatchProcess } from '../testing/watchProcess';
import { ERROR_CLASSES, FAILURE_KINDS } from '../metrics/labelValues';
import { CONNECT_BUCKETS_S, LATENCY_BUCKETS_S, STATUS_LABELS } from '../metrics/catalogue';
import { UPSTREAM_CHARTS, bucketDimId } from './charts';
import { alarms, healthConfig } from '../bundle/netdataHealth';
import { startNetdata, type NetdataProcess } from '../testing/netdataProcess';
import { NO_UPSTREAM_ID } from './plugin';
import { histogramQuantile } from './quantile';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'samples', 'backend_crash');
const UP = '127.0.0.1:34629';
const UP_ID = '127_0_0_1_34629';
/** Prefix of the committed file's templates in this test. */
const COMMITTED = 'committed_';
const chartId = (kind: string, id = UP_ID) => `upstream_doctor.${kind}_${id}`;

interface ChartInfo {
  id: string;
  family: string;
  context: string;
  units: string;
  dimensions: Record<string, { name: string }>;
  chart_labels: Record<string, string>;
}
interface DataResult {
  labels: string[];
  data: Array<Array<number | null>>;
}
interface Alarm {
  name: string;
  chart: string;
  status: string;
  info: string;
  value: number | null;
}

let nd: NetdataProcess | null = null;
let watch: WatchProcess | null = null;
let metrics = new Map<string, number>();
const raised = new Map<string, string>();
let stopWatching = false;
let watcher: Promise<void> = Promise.resolve();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** A failed wait with the end of Netdata's error.log, where the plugin's stderr goes too. */
function withLog(e: Error): never {
  throw new Error(`${e.message}\n--- netdata error.log ---\n${nd?.errorLog().slice(-4000)}`);
}

const charts = async () => (await nd!.api<{ charts: Record<string, ChartInfo> }>('/api/v1/charts')).charts;
const alarmsNow = async (all = false) =>
  (await nd!.api<{ alarms: Record<string, Alarm> }>(`/api/v1/alarms${all ? '?all' : ''}`)).alarms;

/** Every stored point of a chart since Netdata started, by dimension name, newest first. */
async function points(chart: string): Promise<Map<string, number[]>> {
  const after = nd!.startedAt - 5;
  const r = await nd!.api<DataResult>(`/api/v1/data?chart=${chart}&after=${after}&before=0&format=json&options=unaligned`);
  const out = new Map<string, number[]>();
  r.labels.forEach((label, i) => {
    if (i > 0) out.set(label, r.data.map((row) => row[i] ?? NaN));
  });
  return out;
}

/** The per-second rates of an incremental dimension, summed: the count Netdata saw. */
const total = (series: number[] | undefined) => (series ?? []).reduce((a, v) => a + (Number.isNaN(v) ? 0 : v), 0);
/** The newest stored value of an absolute dimension. */
const latest = (series: number[] | undefined) => (series ?? []).find((v) => !Number.isNaN(v));

beforeAll(async () => {
  const access = readFileSync(join(SAMPLE, 'access.log'), 'utf8').trimEnd().split('\n');
  const errors = readFileSync(join(SAMPLE, 'error.log'), 'utf8').trimEnd().split('\n');
  // Before the crash: requests answered 200 and nginx's startup notices.
  const cut = access.findIndex((l) => /" 502 \d+ /.test(l));
  const errCut = errors.findIndex((l) => l.includes('[error]'));
  expect(cut).toBeGreaterThan(10);
  expect(errCut).toBeGreaterThan(0);
  const logs = mkdtempSync(join(tmpdir(), 'ud-ndlogs-'));
  const accessLog = join(logs, 'access.log');
  const errorLog = join(logs, 'error.log');
  writeFileSync(accessLog, access.slice(0, cut).join('\n') + '\n');
  writeFileSync(errorLog, errors.slice(0, errCut).join('\n') + '\n');

  const closedPort = await freePort(); // nothing listens: stub_status is down
  nd = await startNetdata({
    plugins: { upstream_doctor: join(ROOT, 'netdata', 'upstream_doctor.plugin') },
    config: {
      'upstream_doctor.conf': [
        `access: [${accessLog}]`,
        `error: [${errorLog}]`,
        `nginx_conf: ${join(SAMPLE, 'nginx.conf')}`,
        'start_at: beginning',
        `stub_status: http://127.0.0.1:${closedPort}/nginx_status`,
        'stub_status_interval: 1s',
        '',
      ].join('\n'),
      // The generated alarms with windows short enough for a test; the committed file uses 5m and 10m.
      'health.d/upstream_doctor.conf': healthConfig({ sustained: '10s', event: '10s', unreachable: '10s', every: '1s' }),
      // And the committed file word for word, its templates renamed so both load.
      'health.d/committed.conf': readFileSync(join(ROOT, 'netdata', 'health.d', 'upstream_doctor.conf'), 'utf8').replace(
        /^ template: upstream_doctor_/gm,
        ` template: ${COMMITTED}upstream_doctor_`,
      ),
    },
  });
  await waitFor('the plugin’s charts for the upstream', async () => chartId('requests') in (await charts()), 60_000, 250).catch(withLog);
  // Alarms with a lookup run once their chart has that much history: wait for the 502 alarm's first verdict.
  const alarm502 = `${chartId('rate_502')}.upstream_doctor_502_rate`;
  await waitFor('the 502 alarm to be evaluated', async () => (await alarmsNow(true))[alarm502]?.status === 'CLEAR', 60_000, 250).catch(withLog);

  watcher = (async () => {
    while (!stopWatching) {
      for (const [k, a] of Object.entries(await alarmsNow().catch(() => ({}) as Record<string, Alarm>))) {
        if (raised.get(k) !== 'CRITICAL') raised.set(k, a.status);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  // The crash.
  appendFileSync(accessLog, access.slice(cut).join('\n') + '\n');
  appendFileSync(errorLog, errors.slice(errCut).join('\n') + '\n');

  watch = await startWatch(['--access', accessLog, '--error', errorLog, '--nginx-conf', join(SAMPLE, 'nginx.conf'), '--start-at', 'beginning']);
  await waitFor(
    '/metrics to hold every line and the causes',
    async () => {
      metrics = await watch!.metrics();
      return (
        sumOf(metrics, 'upstream_doctor_lines_total', { source: 'access' }) === access.length &&
        sumOf(metrics, 'upstream_doctor_lines_total', { source: 'error' }) === errors.length &&
        metrics.has(`upstream_doctor_cause_score{upstream="${UP}",cause="backend_crash"}`)
      );
    },
    60_000,
    250,
  );
}, 240_000);

afterAll(async () => {
  stopWatching = true;
  await watcher;
  await watch?.stop();
  await nd?.stop();
});

const metric = (name: string, labels: Record<string, string> = {}) => sumOf(metrics, name, labels);

describe('upstream_doctor.plugin in Netdata 1.37', () => {
  it('defines the charts per upstream with their context, family and the raw upstream as a label', async () => {
    const all = await charts();
    for (const kind of ['requests', 'rate_502', 'upstream_time', 'connect_time', 'connection_reuse', 'failures', 'upstream_events', 'error_log', 'cause_score']) {
      const c = all[chartId(kind)];
      expect(c).toBeDefined();
      expect(c.context).toBe(`upstream_doctor.${kind}`);
      expect(c.family).toBe(UP);
      expect(c.chart_labels.upstream).toBe(UP);
      expect(c.chart_labels._collect_plugin).toBe('upstream_doctor.plugin');
    }
    expect(all[chartId('requests', NO_UPSTREAM_ID)].family).toBe('nginx');
    expect(all[chartId('upstream_time', NO_UPSTREAM_ID)]).toBeUndefined();
    expect(Object.keys(all[chartId('requests')].dimensions)).toEqual(STATUS_LABELS.map((s) => `status_${s}`));
    expect(all[chartId('rate_502')].units).toBe('%');
    expect(nd!.errorLog()).toMatch(/upstream_doctor\.plugin: .*watching 2 log path\(s\), every 1 s/);
    // Both health files parse: Netdata names any line it cannot read.
    expect(nd!.errorLog().split('\n').filter((l) => /ERROR : .*(Health configuration|PLUGINSD\[upstream_doctor\])/.test(l))).toEqual([]);
  });

  it('counts what /metrics counts: requests, failures, restarts, connect buckets, error classes', async () => {
    const want = new Map<string, number>();
    const got = new Map<string, number>();
    await waitFor(
      'Netdata’s per-second rates to add up to the /metrics counters',
      async () => {
        const req = await points(chartId('requests'));
        const fail = await points(chartId('failures'));
        const events = await points(chartId('upstream_events'));
        const conn = await points(chartId('connect_time'));
        const errs = await points(chartId('error_log'));
        for (const s of STATUS_LABELS) {
          want.set(`requests ${s}`, metric('upstream_doctor_requests_total', { upstream: UP, status: s }));
          got.set(`requests ${s}`, total(req.get(s)));
        }
        for (const k of FAILURE_KINDS) {
          want.set(`failures ${k}`, metric('upstream_doctor_upstream_failures_total', { upstream: UP, kind: k }));
          got.set(`failures ${k}`, total(fail.get(k)));
        }
        want.set('restarts', metric('upstream_doctor_upstream_restarts_total', { upstream: UP }));
        got.set('restarts', total(events.get('restarts')));
        want.set('retries', metric('upstream_doctor_upstream_retries_total', { upstream: UP }));
        got.set('retries', total(events.get('retries')));
        const connectDims = UPSTREAM_CHARTS.find((d) => d.kind === 'connect_time')!.dims;
        let below = 0;
        [...CONNECT_BUCKETS_S, Infinity].forEach((b, i) => {
          const cumulative = metric('upstream_doctor_upstream_connect_seconds_bucket', { upstream: UP, le: Number.isFinite(b) ? String(b) : '+Inf' });
          expect(connectDims[i].id).toBe(bucketDimId(b));
          want.set(`connect ${connectDims[i].id}`, cumulative - below);
          got.set(`connect ${connectDims[i].id}`, total(conn.get(connectDims[i].name)));
          below = cumulative;
        });
        for (const c of ERROR_CLASSES) {
          want.set(`error_log ${c}`, metric('upstream_doctor_error_log_events_total', { upstream: UP, class: c }));
          got.set(`error_log ${c}`, total(errs.get(c)));
        }
        return [...want].every(([k, v]) => Math.round(got.get(k) ?? NaN) === v);
      },
      60_000,
      1000,
    ).catch(() => undefined);
    // Netdata interpolates each collection onto its second boundaries; the rates still add up to the count.
    expect(Object.fromEntries([...want.keys()].map((k) => [k, Math.round(got.get(k) ?? NaN)]))).toEqual(Object.fromEntries(want));
    expect(want.get('requests 502')).toBe(71);
    expect(want.get('restarts')).toBeGreaterThan(0);
  });

  it('shows the shares, P95, proxy_read_timeout and cause scores /metrics implies', async () => {
    const requests = metric('upstream_doctor_requests_total', { upstream: UP });
    const rate502 = (100 * metric('upstream_doctor_requests_total', { upstream: UP, status: '502' })) / requests;
    const fiveXx = STATUS_LABELS.filter((s) => s.startsWith('5')).reduce((a, s) => a + metric('upstream_doctor_requests_total', { upstream: UP, status: s }), 0);
    const reused = metric('upstream_doctor_upstream_connections_total', { upstream: UP, connection: 'reused' });
    const reuseShare = (100 * reused) / metric('upstream_doctor_upstream_connections_total', { upstream: UP });
    let below = 0;
    const counts = [...LATENCY_BUCKETS_S, Infinity].map((b) => {
      const cumulative = metric('upstream_doctor_upstream_response_seconds_bucket', { upstream: UP, le: Number.isFinite(b) ? String(b) : '+Inf' });
      const n = cumulative - below;
      below = cumulative;
      return n;
    });
    const p95 = histogramQuantile(0.95, LATENCY_BUCKETS_S, counts)!;
    const scores = Object.fromEntries(CAUSE_IDS.map((c) => [c, metric('upstream_doctor_cause_score', { upstream: UP, cause: c })]));
    expect(scores.backend_crash).toBeGreaterThanOrEqual(0.5);

    let shown: Record<string, number | undefined> = {};
    const read = async () => {
      const rate = await points(chartId('rate_502'));
      const time = await points(chartId('upstream_time'));
      const reuse = await points(chartId('connection_reuse'));
      const cause = await points(chartId('cause_score'));
      shown = {
        rate_502: latest(rate.get('502')),
        rate_5xx: latest(rate.get('all 5xx')),
        p95: latest(time.get('p95')),
        proxy_read_timeout: latest(time.get('proxy_read_timeout')),
        reused: latest(reuse.get('reused')),
        ...Object.fromEntries(CAUSE_IDS.map((c) => [`cause ${c}`, latest(cause.get(c))])),
      };
    };
    const want: Record<string, number> = {
      rate_502: rate502,
      rate_5xx: (100 * fiveXx) / requests,
      p95,
      proxy_read_timeout: metric('upstream_doctor_proxy_read_timeout_seconds', { upstream: UP }),
      reused: reuseShare,
      ...Object.fromEntries(CAUSE_IDS.map((c) => [`cause ${c}`, scores[c]])),
    };
    // Sent with 4 decimals (%, scores) or in microseconds (s); Netdata stores them as floats.
    const close = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) <= 1e-4;
    await waitFor('the plugin’s gauges to catch up with /metrics', async () => {
      await read();
      return Object.entries(want).every(([k, v]) => close(shown[k], v));
    }, 60_000, 1000).catch(() => undefined);
    expect(Object.fromEntries(Object.keys(want).map((k) => [k, close(shown[k], want[k]) ? 'same' : `${shown[k]} vs ${want[k]}`]))).toEqual(
      Object.fromEntries(Object.keys(want).map((k) => [k, 'same'])),
    );
  });

  it('raises the generated alarms: the cause with its fix, the 502 rate, the restart, the resets, stub_status down', async () => {
    const expected: Record<string, string> = {
      [`${chartId('cause_score')}.upstream_doctor_cause_backend_crash`]: 'CRITICAL',
      [`${chartId('rate_502')}.upstream_doctor_502_rate`]: 'CRITICAL',
      [`${chartId('upstream_events')}.upstream_doctor_backend_restarted`]: 'CRITICAL',
      [`${chartId('error_log')}.upstream_doctor_resets`]: 'WARNING',
      'upstream_doctor.nginx_writing_share.upstream_doctor_stub_status_down': 'WARNING',
    };
    await waitFor('every expected alarm to be raised', async () => Object.entries(expected).every(([k, s]) => raised.get(k) === s), 90_000, 500).catch(
      () => undefined,
    );
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, raised.get(k)]))).toEqual(expected);
    // The verdict alarm stays raised while the cause holds, and its text names the cause and the fix.
    const now = await alarmsNow();
    const cause = now[`${chartId('cause_score')}.upstream_doctor_cause_backend_crash`];
    expect(cause.status).toBe('CRITICAL');
    expect(cause.info).toMatch(/^Likely cause: Backend crash \/ restart\. .* Fix: Read the backend’s own logs/);
    // No other cause is named, and nothing is raised on the requests nginx answered itself.
    for (const k of raised.keys()) {
      if (k.includes('upstream_doctor_cause_')) expect(k.replace(COMMITTED, '')).toBe(`${chartId('cause_score')}.upstream_doctor_cause_backend_crash`);
      expect(k).not.toContain(NO_UPSTREAM_ID);
    }
    // The committed file's alarms are on the same charts: the cause alarm (no lookup) answers at its first
    // evaluation (which may come a health cycle after the test's own), the 5- and 10-minute ones wait for
    // that much history.
    const committedCause = `${chartId('cause_score')}.${COMMITTED}upstream_doctor_cause_backend_crash`;
    await waitFor('the committed cause alarm to be evaluated', async () => (await alarmsNow())[committedCause]?.status === 'CRITICAL', 30_000, 500).catch(
      () => undefined,
    );
    expect((await alarmsNow())[committedCause]?.status).toBe('CRITICAL');
    const all = await alarmsNow(true);
    for (const a of alarms()) {
      const on = a.chart.scope === 'upstream' ? chartId(a.chart.kind) : `upstream_doctor.${a.chart.kind}`;
      if (a.chart.kind === 'kernel_events') continue; // no kernel log in this test
      expect(all[`${on}.${COMMITTED}${a.name}`]).toBeDefined();
      if (a.lookup) expect(all[`${on}.${COMMITTED}${a.name}`].status).toBe('UNINITIALIZED');
    }
    // The resets alarm leaves nginx's own error-log chart alone (families: !nginx *).
    expect(all[`${chartId('error_log', NO_UPSTREAM_ID)}.upstream_doctor_resets`]).toBeUndefined();
    expect(all[`${chartId('error_log')}.upstream_doctor_resets`]).toBeDefined();
  });
});
