// The exporter fed by a real Aggregator: what a Prometheus scrape would read, checked line by line with
// the strict reader in exposition.ts, and with promtool where it is installed.
import { ALL_LOGGED } from '../parse/access/formatSpec';
import { spawnSync } from 'node:child_process';
import { Aggregator, FOLDED_UPSTREAM, NO_UPSTREAM } from '../aggregate/aggregator';
import { CONNECT_BOUNDS_S } from '../aggregate/buckets';
import { CAUSE_IDS } from '../diagnose/causes';
import { emptyCounts, type IngestCounts } from '../ingest/ingest';
import type { AccessRecord, Attempt, ErrorEvent, KernelEvent } from '../parse/types';
import { ExporterState } from './store';
import { parseExposition, type ExpoFamily, type ExpoSample } from '../testing/exposition';
import { FAILURE_KINDS } from './labelValues';
import { METRICS, STATUS_LABELS, type MetricDef } from './catalogue';
import { ExporterConfigError, PrometheusExporter } from './prometheus';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const NEWEST = { access: NaN, error: NaN, kernel: NaN };

/** Ingest counts with the given lines and parse errors per source, the rest 0. */
function counts(lines: Partial<IngestCounts['lines']>, parseErrors: Partial<IngestCounts['parseErrors']> = {}): IngestCounts {
  const c = emptyCounts();
  Object.assign(c.lines, lines);
  Object.assign(c.parseErrors, parseErrors);
  return c;
}
const A = '10.0.0.5:8080';
const B = '10.0.0.6:8080';
const CLIENT_IP = '203.0.113.77';
const SECRET_URI = '/account/reset?token=s3cr3t';

function attempt(a: Partial<Attempt>): Attempt {
  return { addr: A, status: 200, connect: 0, header: 0.01, response: 0.012, bytesReceived: 1200, afterRedirect: false, ...a };
}

function rec(t: number, attempts: Array<Partial<Attempt>>, status?: number): AccessRecord {
  const full = attempts.map(attempt);
  return {
    time: T0 + t,
    tzOffsetMin: 0,
    status: status ?? (full.length ? full[full.length - 1].status : 200),
    bytesSent: 1000,
    requestTime: 0.05,
    request: `GET ${SECRET_URI} HTTP/1.1`,
    client: '',
    logged: ALL_LOGGED,
    attempts: full,
  };
}

function errorEvent(t: number, cls: ErrorEvent['cls'], phase: ErrorEvent['phase'], upstreamAddr = A): ErrorEvent {
  return {
    time: T0 + t,
    level: 'error',
    pid: 7,
    connection: 42,
    syscall: 'recv',
    errno: 104,
    cls,
    phase,
    side: 'upstream',
    client: CLIENT_IP,
    server: 'shop.example',
    request: `GET ${SECRET_URI} HTTP/1.1`,
    upstream: `http://${upstreamAddr}${SECRET_URI}`,
    upstreamAddr,
    host: 'shop.example',
    message: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  };
}

const REFUSED = { status: 502, connect: NaN, header: NaN, response: 0, bytesReceived: 0 };
const DEAD_REUSE = { status: 502, connect: 0, header: NaN, response: 0.001, bytesReceived: 0 };

async function scrape(ex: PrometheusExporter): Promise<Map<string, ExpoFamily>> {
  return parseExposition(await ex.metrics());
}

function samples(fams: Map<string, ExpoFamily>, name: string, where: Record<string, string> = {}): ExpoSample[] {
  const fam = [...fams.values()].find((f) => f.samples.some((s) => s.name === name)) ?? fams.get(name);
  return (fam?.samples ?? []).filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}

function total(fams: Map<string, ExpoFamily>, name: string, where: Record<string, string> = {}): number {
  return samples(fams, name, where).reduce((a, s) => a + s.value, 0);
}

function setup(opts: ConstructorParameters<typeof PrometheusExporter>[0] = {}, aggOpts: { maxUpstreams?: number } = {}) {
  const ex = new PrometheusExporter({ processMetrics: false, version: '9.9.9-test', ...opts });
  const agg = new Aggregator({ listener: ex, ...aggOpts });
  return { ex, agg };
}

const M = METRICS;

describe('PrometheusExporter', () => {
  it('exports every metric of the table under its exact name and type, counters ending in _total', async () => {
    const { ex } = setup();
    const fams = await scrape(ex);
    const ours = [...fams.keys()].filter((n) => n.startsWith('upstream_doctor_'));
    const table = (Object.values(METRICS) as MetricDef[]).map((m) => m.name);
    expect(ours.sort()).toEqual([...table].sort());
    for (const m of Object.values(METRICS) as MetricDef[]) {
      expect(fams.get(m.name)!.type).toBe(m.type);
      expect(fams.get(m.name)!.help).toBe(m.help);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).not.toMatch(/_total$/);
    }
    expect(ex.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(samples(fams, M.buildInfo.name)).toEqual([{ name: M.buildInfo.name, labels: { version: '9.9.9-test' }, value: 1 }]);
    expect(samples(fams, M.folded.name)[0].value).toBe(0);
  });

  it('counts a "502, 200" retry as two attempts and one request, under the upstream that answered', async () => {
    const { ex, agg } = setup();
    agg.addAccess(rec(0, [{ ...DEAD_REUSE, addr: A }, { addr: B, connect: 0.002 }]));
    const fams = await scrape(ex);
    expect(total(fams, M.attempts.name)).toBe(2);
    expect(total(fams, M.attempts.name, { upstream: A, outcome: 'failed' })).toBe(1);
    expect(total(fams, M.attempts.name, { upstream: B, outcome: 'ok' })).toBe(1);
    expect(total(fams, M.requests.name)).toBe(1);
    expect(total(fams, M.requests.name, { upstream: B, status: '2xx' })).toBe(1);
    expect(samples(fams, M.requests.name, { upstream: A })).toEqual([]);
    expect(total(fams, M.retries.name, { upstream: B })).toBe(1);
    expect(total(fams, M.retries.name, { upstream: A })).toBe(0);
    expect(total(fams, M.failures.name, { upstream: A, kind: 'dead_on_reuse' })).toBe(1);
    expect(total(fams, M.connections.name, { upstream: A, connection: 'reused' })).toBe(1);
    expect(total(fams, M.connections.name, { upstream: B, connection: 'new' })).toBe(1);
    expect(total(fams, M.connections.name)).toBe(2);
    // Per attempt, never summed: each attempt's own response time lands in the histogram.
    expect(total(fams, `${M.responseTime.name}_count`)).toBe(2);
    expect(total(fams, `${M.responseTime.name}_sum`, { upstream: A })).toBeCloseTo(0.001, 9);
  });

  it('counts an internal redirect ("a : b") as a second attempt but not as a retry', async () => {
    const { ex, agg } = setup();
    agg.addAccess(rec(0, [{ addr: A }, { addr: B, afterRedirect: true }]));
    const fams = await scrape(ex);
    expect(total(fams, M.attempts.name)).toBe(2);
    expect(total(fams, M.retries.name)).toBe(0);
    expect(total(fams, M.requests.name)).toBe(1);
  });

  it('labels request status with the named codes and classes, zero-filled per upstream', async () => {
    const { ex, agg } = setup();
    const statuses = [101, 200, 204, 301, 404, 499, 500, 502, 503, 504, 507, 0];
    statuses.forEach((s, i) => agg.addAccess(rec(i, [{ status: s === 0 ? 200 : s }], s)));
    agg.addAccess(rec(20, [], 404));
    const fams = await scrape(ex);
    const byStatus = Object.fromEntries(samples(fams, M.requests.name, { upstream: A }).map((s) => [s.labels.status, s.value]));
    expect(byStatus).toEqual({
      '1xx': 1, '2xx': 2, '3xx': 1, '4xx': 1, '499': 1, '5xx': 1, '500': 1, '502': 1, '503': 1, '504': 1, unknown: 1,
    });
    expect(Object.keys(byStatus).sort()).toEqual([...STATUS_LABELS].sort());
    expect(total(fams, M.requests.name, { upstream: NO_UPSTREAM, status: '4xx' })).toBe(1);
  });

  it('gives each failed attempt exactly one failure kind, as the aggregator classified it', async () => {
    const { ex, agg } = setup();
    for (let i = 0; i < 20; i++) agg.addAccess(rec(i * 100, [{ header: 0.01, response: 0.012 }])); // sets the round trip
    agg.addAccess(rec(3000, [REFUSED])); // connect
    agg.addAccess(rec(3100, [{ status: 504, connect: 0.001, header: NaN, response: 1.0, bytesReceived: 0 }])); // timeout
    agg.addAccess(rec(3200, [DEAD_REUSE])); // dead_on_reuse
    agg.addAccess(rec(3300, [{ status: 502, connect: 0.001, header: NaN, response: 0.002, bytesReceived: 0 }])); // dead_on_new
    agg.addAccess(rec(3400, [{ status: 502, connect: 0, header: NaN, response: 0.4, bytesReceived: 0 }])); // mid_request
    // Not logged, inferred from the error log (closed) or from the status alone (unlogged).
    const inferred = { connect: NaN, header: NaN, response: NaN, bytesReceived: NaN, inferred: true };
    agg.addAccess(rec(3500, [{ ...inferred, status: 502, how: { cls: 'prematurely_closed', phase: 'reading_response_header' } }])); // closed
    agg.addAccess(rec(3600, [{ ...inferred, status: 502 }])); // unlogged
    const st = agg.range().byUpstream.get(A)!;
    const fams = await scrape(ex);
    for (const k of FAILURE_KINDS) expect([k, total(fams, M.failures.name, { upstream: A, kind: k })]).toEqual([k, 1]);
    expect(total(fams, M.failures.name)).toBe(st.failed);
    expect(total(fams, M.attempts.name, { outcome: 'failed' })).toBe(st.failed);
    expect(total(fams, M.failures.name, { kind: 'mid_request' })).toBe(st.failedMidRequest);
    expect(total(fams, M.failures.name, { kind: 'dead_on_reuse' })).toBe(st.failedReusedImmediate);
  });

  it('counts a backend that answers again after refusals as a restart, and a stalled body as stalled', async () => {
    const { ex, agg } = setup();
    agg.addAccess(rec(0, [{}]));
    agg.addAccess(rec(100, [REFUSED]));
    agg.addAccess(rec(200, [REFUSED]));
    agg.addAccess(rec(300, [{ connect: 0.001 }]));
    agg.addAccess(rec(60_000, [{ status: 200, header: 0.01, response: 59, bytesReceived: 9000 }]));
    const fams = await scrape(ex);
    expect(total(fams, M.restarts.name, { upstream: A })).toBe(1);
    expect(total(fams, M.attempts.name, { upstream: A, outcome: 'stalled' })).toBe(1);
    expect(total(fams, M.readTimeout.name, { upstream: A })).toBe(60);
  });

  it('publishes connect times as a cumulative histogram whose le="0" bucket counts reused connections', async () => {
    const { ex, agg } = setup();
    const connects = [0, 0, 0, 0.0004, 0.003, 0.003, 0.2, 4, NaN];
    connects.forEach((c, i) => agg.addAccess(rec(i * 10, [{ connect: c }])));
    const fams = await scrape(ex);
    const buckets = samples(fams, `${M.connectTime.name}_bucket`, { upstream: A });
    const bounds = CONNECT_BOUNDS_S.filter(Number.isFinite);
    expect(buckets.map((b) => b.labels.le)).toEqual([...bounds.map(String), '+Inf']);
    expect(buckets[0]).toMatchObject({ labels: { le: '0' }, value: 3 });
    expect(buckets[0].value).toBe(total(fams, M.connections.name, { upstream: A, connection: 'reused' }));
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
    const le = (b: string) => buckets.find((x) => x.labels.le === b)!.value;
    expect([le('0.001'), le('0.005'), le('0.25'), le('5'), le('+Inf')]).toEqual([4, 6, 7, 8, 8]);
    expect(total(fams, `${M.connectTime.name}_count`, { upstream: A })).toBe(8);
    expect(total(fams, `${M.connectTime.name}_sum`, { upstream: A })).toBeCloseTo(0.0004 + 0.006 + 0.2 + 4, 9);
    // An attempt with no connect time logged still counts as an attempt, just not in the histogram.
    expect(total(fams, M.attempts.name, { upstream: A })).toBe(9);
  });

  it('has latency buckets that histogram_quantile can read: ascending le, +Inf equal to _count', async () => {
    const { ex, agg } = setup();
    for (let i = 0; i < 100; i++) agg.addAccess(rec(i, [{ header: 0.002 * i, response: 0.003 * i }]));
    const text = await ex.metrics();
    const fams = parseExposition(text); // checks order, cumulativeness and +Inf = _count for every histogram
    const buckets = samples(fams, `${M.responseTime.name}_bucket`, { upstream: A });
    // P95 by linear interpolation inside its bucket, as histogram_quantile does.
    const rank = 0.95 * 100;
    const i = buckets.findIndex((b) => b.value >= rank);
    const lo = i === 0 ? 0 : Number(buckets[i - 1].labels.le);
    const below = i === 0 ? 0 : buckets[i - 1].value;
    const p95 = lo + (Number(buckets[i].labels.le) - lo) * ((rank - below) / (buckets[i].value - below));
    expect(p95).toBeGreaterThan(0.25);
    expect(p95).toBeLessThanOrEqual(0.5);
  });

  it('counts attempts of folded upstreams under "other" and counts the folding', async () => {
    const { ex, agg } = setup({}, { maxUpstreams: 2 });
    const addrs = ['10.0.1.1:80', '10.0.1.2:80', '10.0.1.3:80', '10.0.1.4:80'];
    addrs.forEach((addr, i) => agg.addAccess(rec(i, [{ addr }])));
    agg.addAccess(rec(10, [{ addr: addrs[3] }]));
    agg.addError(errorEvent(11, 'reset_by_peer', 'reading_response_header', addrs[2]));
    const fams = await scrape(ex);
    expect(total(fams, M.attempts.name, { upstream: FOLDED_UPSTREAM })).toBe(3);
    expect(total(fams, M.requests.name, { upstream: FOLDED_UPSTREAM })).toBe(3);
    expect(total(fams, M.errorLog.name, { upstream: FOLDED_UPSTREAM })).toBe(1);
    expect(total(fams, M.folded.name)).toBe(agg.foldedAttempts);
    expect(agg.foldedAttempts).toBe(4);
    const upstreams = new Set(samples(fams, M.attempts.name).map((s) => s.labels.upstream));
    expect([...upstreams].sort()).toEqual([addrs[0], addrs[1], FOLDED_UPSTREAM].sort());
  });

  it('never puts a URI or a client address into a label, even when the request line and error log carry them', async () => {
    const { ex, agg } = setup({ processMetrics: true });
    agg.addAccess(rec(0, [{}]));
    agg.addAccess(rec(1, [DEAD_REUSE]));
    agg.addError(errorEvent(1, 'reset_by_peer', 'reading_response_header'));
    agg.addError({ ...errorEvent(2, 'client_closed', 'reading_client_body'), upstreamAddr: '', upstream: '' });
    ex.setIngest(counts({ access: 2 }), NEWEST);
    const text = await ex.metrics();
    expect(text).not.toContain(CLIENT_IP);
    expect(text).not.toContain('/account');
    expect(text).not.toContain('token');
    expect(text).not.toContain('shop.example');
    const fams = parseExposition(text);
    expect(total(fams, M.errorLog.name, { upstream: A, class: 'reset_by_peer', phase: 'reading_response_header' })).toBe(1);
    expect(total(fams, M.errorLog.name, { upstream: NO_UPSTREAM, class: 'client_closed', phase: 'reading_client_body' })).toBe(1);
    // Every label value of ours comes from a closed set or is an upstream key the aggregator made.
    const upstreamKeys = new Set([...agg.upstreams(), NO_UPSTREAM, FOLDED_UPSTREAM]);
    for (const [name, fam] of fams) {
      if (!name.startsWith('upstream_doctor_')) continue;
      for (const s of fam.samples) if ('upstream' in s.labels) expect(upstreamKeys).toContain(s.labels.upstream);
    }
  });

  it('counts kernel kills once each and zero-fills the kinds once a kernel log is read', async () => {
    const { ex, agg } = setup();
    ex.setIngest(counts({ kernel: 3 }), NEWEST);
    const kill: KernelEvent = { time: T0, kind: 'oom_kill', pid: 4242, process: 'node', message: 'Killed process 4242 (node)' };
    agg.addKernel(kill);
    agg.addKernel({ ...kill, time: T0 + 10, message: 'oom_reaper: reaped process 4242 (node)' }); // same kill
    const fams = await scrape(ex);
    expect(Object.fromEntries(samples(fams, M.kernel.name).map((s) => [s.labels.kind, s.value]))).toEqual({
      oom_kill: 1, killed: 0, segfault: 0,
    });
    expect(total(fams, M.lines.name, { source: 'kernel' })).toBe(3);
    expect(samples(fams, M.parseErrors.name, { source: 'kernel' })[0].value).toBe(0);
  });

  it('keeps one cause series per cause and upstream, moving the likely flag rather than adding series', async () => {
    const { ex } = setup();
    ex.setCauses(A, { keepalive_idle_race: 0.8, backend_crash: 0.3 }, 'keepalive_idle_race');
    let fams = await scrape(ex);
    expect(samples(fams, M.causeScore.name, { upstream: A })).toHaveLength(CAUSE_IDS.length);
    expect(total(fams, M.causeScore.name, { upstream: A, cause: 'keepalive_idle_race' })).toBe(0.8);
    expect(total(fams, M.causeScore.name, { upstream: A, cause: 'oom_kill' })).toBe(0);
    expect(samples(fams, M.likelyCause.name, { upstream: A }).filter((s) => s.value === 1).map((s) => s.labels.cause)).toEqual([
      'keepalive_idle_race',
    ]);
    ex.setCauses(A, { healthy: 1 }, 'healthy');
    fams = await scrape(ex);
    expect(samples(fams, M.causeScore.name)).toHaveLength(CAUSE_IDS.length);
    expect(samples(fams, M.likelyCause.name)).toHaveLength(CAUSE_IDS.length);
    expect(total(fams, M.causeScore.name, { cause: 'keepalive_idle_race' })).toBe(0);
    expect(total(fams, M.likelyCause.name, { cause: 'healthy' })).toBe(1);
    expect(total(fams, M.likelyCause.name)).toBe(1);
  });

  it('keeps stub_status counters growing across an nginx restart and drops up to 0 on a failed poll', async () => {
    const { ex } = setup();
    let fams = await scrape(ex);
    expect(samples(fams, M.stubUp.name)).toEqual([]); // no stub_status configured: no up=0 to alert on
    const poll = (accepted: number, requests: number, active = 3, writing = 2) =>
      ex.setStubStatus({ active, reading: 0, writing, waiting: active - writing, accepted, handled: accepted, requests, writingShare: 0.5, time: 0 });
    poll(100, 250);
    poll(110, 270);
    ex.setStubStatus(null);
    fams = await scrape(ex);
    expect(total(fams, M.stubUp.name)).toBe(0);
    expect(total(fams, M.nginxRequests.name)).toBe(270);
    poll(5, 9); // nginx restarted: its counters began again at 0
    fams = await scrape(ex);
    expect(total(fams, M.stubUp.name)).toBe(1);
    expect(total(fams, M.nginxAccepted.name)).toBe(115);
    expect(total(fams, M.nginxHandled.name)).toBe(115);
    expect(total(fams, M.nginxRequests.name)).toBe(279);
    expect(total(fams, M.nginxConnections.name, { state: 'writing' })).toBe(2);
    expect(total(fams, M.nginxWritingShare.name)).toBe(0.5);
  });

  it('never lets a counter go down, and keeps the newest line time', async () => {
    const { ex } = setup();
    ex.setIngest(counts({ access: 10 }, { too_long: 2 }), { ...NEWEST, access: T0 + 5000 });
    ex.setIngest(counts({ access: 5 }), { ...NEWEST, access: T0 }); // lower counts, an older line: ignored
    ex.setIngest(counts({ access: NaN }), NEWEST);
    ex.setTailLag('/var/log/nginx/access.log', 4096);
    const fams = await scrape(ex);
    expect(total(fams, M.lines.name, { source: 'access' })).toBe(10);
    expect(total(fams, M.parseErrors.name, { source: 'too_long' })).toBe(2);
    expect(total(fams, M.parseErrors.name, { source: 'access' })).toBe(0);
    expect(total(fams, M.lastLine.name, { source: 'access' })).toBe((T0 + 5000) / 1000);
    expect(total(fams, M.tailLag.name)).toBe(4096);
  });

  it('adds configured default labels to every sample, process metrics included', async () => {
    const { ex, agg } = setup({ processMetrics: true, defaultLabels: { host: 'web-1', cluster: 'eu' } });
    agg.addAccess(rec(0, [{}]));
    const fams = await scrape(ex);
    expect(fams.has('process_cpu_user_seconds_total')).toBe(true);
    expect(fams.has('nodejs_heap_size_total_bytes')).toBe(true);
    let n = 0;
    for (const fam of fams.values()) {
      for (const s of fam.samples) {
        expect(s.labels).toMatchObject({ host: 'web-1', cluster: 'eu' });
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });

  it('refuses default labels that are invalid or would clash with the metrics\' own labels', () => {
    expect(() => setup({ defaultLabels: { 'bad-name': 'x' } })).toThrow(ExporterConfigError);
    expect(() => setup({ defaultLabels: { __reserved: 'x' } })).toThrow(ExporterConfigError);
    expect(() => setup({ defaultLabels: { upstream: 'x' } })).toThrow(/metrics use themselves/);
    expect(() => setup({ defaultLabels: { le: 'x' } })).toThrow(ExporterConfigError);
  });

  it('continues from a checkpoint exactly: restored state gives identical exposition, and the rest adds up', async () => {
    // Records whose classification needs no history, so a fresh aggregator after the restart (as the
    // watch command has) classifies them as the old one would.
    const records: AccessRecord[] = [];
    for (let i = 0; i < 200; i++) {
      const attempts =
        i % 17 === 0 ? [DEAD_REUSE, { addr: B, connect: 0.002 }] : i % 23 === 0 ? [REFUSED] : [{ connect: i % 3 ? 0 : 0.001, response: 0.001 * (i % 50) }];
      records.push(rec(i * 100, attempts));
    }
    const errors = [errorEvent(500, 'reset_by_peer', 'reading_response_header'), errorEvent(9000, 'refused', 'connecting')];
    const feed = (agg: Aggregator, ex: PrometheusExporter, from: number, to: number) => {
      for (const r of records.slice(from, to)) agg.addAccess(r);
      for (const e of errors) if (e.time >= T0 + from * 100 && e.time < T0 + to * 100) agg.addError(e);
      // The ingest counts are cumulative and travel in the checkpoint: after `to` records, `to` lines.
      ex.setIngest(counts({ access: to }), { ...NEWEST, access: records[to - 1].time });
    };

    const whole = setup();
    feed(whole.agg, whole.ex, 0, records.length);
    whole.ex.setStubStatus({ active: 4, reading: 1, writing: 2, waiting: 1, accepted: 10, handled: 10, requests: 30, writingShare: 1 / 3, time: 0 });
    whole.ex.setCauses(A, { keepalive_reuse_closed: 0.7 }, 'keepalive_reuse_closed');

    const first = setup();
    feed(first.agg, first.ex, 0, 120);
    first.ex.setStubStatus({ active: 4, reading: 1, writing: 2, waiting: 1, accepted: 10, handled: 10, requests: 30, writingShare: 1 / 3, time: 0 });
    const checkpoint = JSON.stringify(first.ex.toJSON());
    const before = await first.ex.metrics();

    const restored = setup({ state: ExporterState.fromJSON(JSON.parse(checkpoint)) });
    expect(await restored.ex.metrics()).toBe(before);
    expect(restored.ex.state.restoreNotes).toEqual([]);

    feed(restored.agg, restored.ex, 120, records.length);
    // The same poll again after the restart adds nothing: the baseline travelled in the checkpoint.
    restored.ex.setStubStatus({ active: 4, reading: 1, writing: 2, waiting: 1, accepted: 10, handled: 10, requests: 30, writingShare: 1 / 3, time: 0 });
    restored.ex.setCauses(A, { keepalive_reuse_closed: 0.7 }, 'keepalive_reuse_closed');
    const a = parseExposition(await whole.ex.metrics());
    const b = parseExposition(await restored.ex.metrics());
    const values = (f: Map<string, ExpoFamily>) =>
      [...f.values()].flatMap((fam) => fam.samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value.toPrecision(12)}`)).sort();
    expect(values(b)).toEqual(values(a));
    expect(total(b, M.attempts.name)).toBe(200 + Math.ceil(200 / 17));
  });

  const promtool = findPromtool();
  const promtoolTitle = promtool
    ? 'passes promtool check metrics'
    : 'passes promtool check metrics — SKIPPED: promtool not installed (Debian package "prometheus")';
  (promtool ? it : it.skip)(promtoolTitle, async () => {
    const { ex, agg } = setup();
    agg.addAccess(rec(0, [DEAD_REUSE, { addr: B, connect: 0.002 }]));
    agg.addError(errorEvent(0, 'reset_by_peer', 'reading_response_header'));
    ex.setCauses(A, { backend_crash: 0.5 }, 'backend_crash');
    ex.setStubStatus({ active: 1, reading: 0, writing: 1, waiting: 0, accepted: 1, handled: 1, requests: 1, writingShare: 0, time: 0 });
    const ours = spawnSync(promtool!, ['check', 'metrics'], { input: await ex.metrics(), encoding: 'utf8', timeout: 20_000 });
    expect({ status: ours.status, problems: ours.stderr.trim() }).toEqual({ status: 0, problems: '' });
    // prom-client's runtime metrics break lint rules of their own (gauges named *_total); only parse errors (1) fail here.
    const full = new PrometheusExporter({ processMetrics: true, defaultLabels: { host: 'h' } });
    const all = spawnSync(promtool!, ['check', 'metrics'], { input: await full.metrics(), encoding: 'utf8', timeout: 20_000 });
    expect(all.status === 0 || all.status === 3).toBe(true);
    expect(all.stderr.split('\n').filter((l) => l.startsWith('upstream_doctor_'))).toEqual([]);
  });
});

describe('parseExposition (the checker the tests above rely on)', () => {
  it('rejects what a scrape would reject', () => {
    const ok = '# HELP x_total X.\n# TYPE x_total counter\nx_total{a="1"} 2\n';
    expect(parseExposition(ok).get('x_total')!.samples[0].value).toBe(2);
    expect(() => parseExposition('x_total 1\n')).toThrow(/no # TYPE/);
    expect(() => parseExposition(ok + 'x_total{a="1"} 3\n')).toThrow(/duplicate series/);
    expect(() => parseExposition(ok.replace('2\n', 'two\n'))).toThrow(/bad value/);
    expect(() => parseExposition(ok.replace('a="1"', 'a=1'))).toThrow(/not quoted/);
    const h = (b1: number, inf: number, count: number) =>
      `# TYPE h histogram\nh_bucket{le="1"} ${b1}\nh_bucket{le="+Inf"} ${inf}\nh_sum 1\nh_count ${count}\n`;
    expect(() => parseExposition(h(1, 2, 2))).not.toThrow();
    expect(() => parseExposition(h(3, 2, 2))).toThrow(/cumulative/);
    expect(() => parseExposition(h(1, 2, 3))).toThrow(/\+Inf/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/);
    expect(() => parseExposition(ok + '# TYPE y gauge\ny 1\nx_total{a="2"} 1\n')).toThrow(/outside its family/);
  });
});

function findPromtool(): string | null {
  for (const p of [process.env.PROMTOOL, 'promtool'].filter((x): x is string => !!x)) {
    const r = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return p;
  }
  return null;
}
