// Each cause's signature, written as the access/error/kernel records nginx would produce, must come out
// as that cause — and ordinary traffic as healthy. The fault lab checks the same against real nginx.
import { ALL_LOGGED } from '../parse/access/formatSpec';
import { Aggregator } from '../aggregate/aggregator';
import { emptyCounts } from '../ingest/ingest';
import type { AccessRecord, Attempt, ErrorEvent, KernelEvent, UpstreamSettings } from '../parse/types';
import { buildDiagnosis, type Diagnosis } from '../report/diagnosis';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const UP = '10.0.0.5:8080';

const settings = (readTimeout = 60): UpstreamSettings => ({
  group: 'app',
  proxyReadTimeout: readTimeout,
  proxyConnectTimeout: 60,
  proxySendTimeout: 60,
  proxyNextUpstream: ['error', 'timeout'],
  keepalive: 16,
  keepaliveTimeout: 60,
  keepaliveRequests: 1000,
});

/** Sequential traffic on one upstream: each request starts `gap` seconds after the previous one ended. */
class Traffic {
  t = T0;
  records: AccessRecord[] = [];
  errors: ErrorEvent[] = [];
  kernel: KernelEvent[] = [];

  req(gap: number, attempts: Array<Partial<Attempt>>, opts: { status?: number; method?: string; bytes?: number } = {}) {
    const full: Attempt[] = attempts.map((a) => ({
      addr: UP,
      status: 200,
      connect: 0,
      header: 0.01,
      response: 0.012,
      bytesReceived: 1200,
      afterRedirect: false,
      ...a,
    }));
    const rt = full.reduce((s, a) => s + (a.response >= 0 ? a.response : 0), 0);
    const start = this.t + gap * 1000;
    this.t = start + rt * 1000;
    const last = full[full.length - 1];
    this.records.push({
      time: this.t,
      tzOffsetMin: 0,
      status: opts.status ?? (last ? last.status : 200),
      bytesSent: opts.bytes ?? 1000,
      requestTime: rt,
      request: `${opts.method ?? 'GET'} /api HTTP/1.1`,
      client: '10.1.1.1',
      logged: ALL_LOGGED,
      attempts: full,
    });
    return this;
  }

  error(cls: ErrorEvent['cls'], phase: ErrorEvent['phase'], errno = NaN) {
    this.errors.push({
      time: this.t,
      level: 'error',
      pid: 1,
      connection: 1,
      syscall: '',
      errno,
      cls,
      phase,
      side: 'upstream',
      client: '10.1.1.1',
      server: 'x',
      request: 'GET /api HTTP/1.1',
      upstream: `http://${UP}/api`,
      upstreamAddr: UP,
      host: 'x',
      message: `${cls} while ${phase}`,
    });
    return this;
  }

  ok(n: number, gap = 0.1, extra: Partial<Attempt> = {}) {
    for (let i = 0; i < n; i++) this.req(gap, [extra]);
    return this;
  }

  diagnose(readTimeout = 60, kernelLogRead = false): Diagnosis {
    const agg = new Aggregator({ settingsFor: () => settings(readTimeout) });
    for (const r of this.records) agg.addAccess(r);
    for (const e of this.errors) agg.addError(e);
    for (const k of this.kernel) agg.addKernel(k);
    return buildDiagnosis({
      agg,
      settingsFor: () => settings(readTimeout),
      kernelLogRead,
      counts: { ...emptyCounts(), lines: { access: this.records.length, error: 0, kernel: 0 } },
    });
  }
}

const reset = { status: 502, header: NaN, response: 0.001, bytesReceived: 0 };

describe('diagnosis engine on synthetic traffic', () => {
  it('calls ordinary traffic healthy', () => {
    const d = new Traffic().ok(300).ok(20, 1.5).diagnose();
    expect(d.likely_cause).toBe('healthy');
    expect(d.causes[0].id).toBe('healthy');
    expect(d.flowchart_path).toEqual(['A', 'O']);
    expect(d.series.requests).toBe(320);
    expect(d.series.rate_502).toBe(0);
    expect(d.series.connect_reuse_share).toBe(1);
  });

  it('names a middlebox idle timeout when every reuse after a fixed idle dies silently', () => {
    const t = new Traffic().ok(30);
    for (const gap of [1.6, 2.0, 2.5, 1.8]) {
      t.req(gap, [reset], { method: 'POST' }).error('reset_by_peer', 'reading_response_header', 104);
      t.req(0.01, [{ connect: 0.001 }]).ok(20);
    }
    const d = t.diagnose();
    expect(d.likely_cause).toBe('middlebox_idle_timeout');
    expect(d.flowchart_path).toEqual(['A', 'B', 'D', 'E']);
    expect(d.causes[0].evidence.join(' ')).toMatch(/every reuse idle/);
  });

  it('names the keepalive idle race when only a band of idle gaps fails and longer idle works again', () => {
    const t = new Traffic().ok(30);
    for (let i = 0; i < 4; i++) {
      t.req(0.8, [reset], { method: 'POST' }).error('prematurely_closed', 'reading_response_header');
      t.ok(10);
      t.req(1.6, [{ connect: 0.001 }]).ok(10);
    }
    const d = t.diagnose();
    expect(d.likely_cause).toBe('keepalive_idle_race');
    expect(d.causes[0].evidence.join(' ')).toMatch(/idle 0\.\d+ s–0\.\d+ s.*4 requests idle longer worked again/);
  });

  it('names reuse of closed pooled connections when a whole pool fails at once after a burst', () => {
    const t = new Traffic().ok(30);
    for (const idle of [0.5, 1.5, 3]) {
      // Several pooled connections die together: concurrent POSTs started at the same moment.
      const start = t.t + idle * 1000;
      for (let k = 0; k < 5; k++) {
        t.t = start;
        t.req(0, [reset], { method: 'POST' });
      }
      t.ok(10).req(3.5, [{}]).ok(10); // a long idle without a flush reuses fine
    }
    const d = t.diagnose();
    expect(d.likely_cause).toBe('keepalive_reuse_closed');
  });

  it('names a backend crash: in-flight requests die, connects refused, then recovery', () => {
    const t = new Traffic().ok(50);
    for (let i = 0; i < 3; i++) {
      t.req(0.05, [{ status: 502, header: NaN, response: 0.4, bytesReceived: 0 }]).error('reset_by_peer', 'reading_response_header', 104);
      t.req(0.05, [{ status: 502, header: NaN, response: 0.3, connect: 0.001, bytesReceived: 0 }]);
      t.req(0.01, [{ status: 502, connect: NaN, header: NaN, response: 0, bytesReceived: 0 }]).error('refused', 'connecting', 111);
      t.t += 15_000; // next window: back up
      t.ok(40, 0.1, { connect: 0.001 });
    }
    const d = t.diagnose(60, true);
    expect(d.likely_cause).toBe('backend_crash');
    expect(d.flowchart_path).toEqual(['A', 'B', 'C']);
  });

  it('names an OOM kill when the kernel killed the backend at the failure time', () => {
    const t = new Traffic().ok(50);
    for (let i = 0; i < 2; i++) {
      t.req(0.05, [{ status: 502, header: NaN, response: 0.4, bytesReceived: 0 }]).error('prematurely_closed', 'reading_response_header');
      t.req(0.05, [{ status: 502, header: NaN, response: 0.5, bytesReceived: 0 }]);
      t.kernel.push({ time: t.t - 200, kind: 'oom_kill', pid: 4242 + i, process: 'node', message: 'Out of memory' });
      t.req(0.01, [{ status: 502, connect: NaN, header: NaN, response: 0, bytesReceived: 0 }]).error('refused', 'connecting', 111);
      t.t += 15_000;
      t.ok(40, 0.1, { connect: 0.001 });
    }
    const d = t.diagnose(60, true);
    expect(d.likely_cause).toBe('oom_kill');
    expect(d.causes[0].evidence[0]).toMatch(/OOM killer ended node \(pid 4242\)/);
    expect(d.causes.find((c) => c.id === 'backend_crash')!.score).toBeLessThan(d.causes[0].score);
  });

  it('names an upstream timeout when header waits hit proxy_read_timeout', () => {
    const t = new Traffic();
    for (let i = 0; i < 60; i++) {
      t.req(0.05, [{ response: 0.7 + (i % 10) * 0.025, header: 0.7 }]);
      if (i % 6 === 0) t.req(0.05, [{ status: 504, header: NaN, response: 1.0, bytesReceived: 0 }]).error('timed_out', 'reading_response_header', 110);
    }
    const d = t.diagnose(1);
    expect(d.likely_cause).toBe('upstream_timeout');
    expect(d.flowchart_path).toEqual(['A', 'B', 'D', 'F', 'I', 'J']);
    expect(d.series.proxy_read_timeout_s).toBe(1);
    expect(d.series.p95_read_timeout_ratio).toBeGreaterThan(0.8);
  });

  it('names a path-MTU black hole when only large bodies stall after a fast header', () => {
    const t = new Traffic().ok(100, 0.05, { bytesReceived: 2100 });
    for (let i = 0; i < 6; i++) {
      t.req(0.05, [{ status: 200, header: 0.002, response: 1.0, bytesReceived: 8500 }]).error('timed_out', 'reading_upstream', 110);
      t.ok(10, 0.05, { bytesReceived: 1800 });
    }
    const d = t.diagnose(1);
    expect(d.likely_cause).toBe('pmtu_black_hole');
    expect(d.flowchart_path).toEqual(['A', 'B', 'D', 'F', 'G']);
  });

  it('names an unreachable upstream when nothing ever connects', () => {
    const t = new Traffic();
    for (let i = 0; i < 40; i++) t.req(0.1, [{ status: 502, connect: NaN, header: NaN, response: 0, bytesReceived: NaN }]).error('refused', 'connecting', 111);
    const d = t.diagnose();
    expect(d.likely_cause).toBe('upstream_unreachable');
    expect(d.upstream).toBe(UP);
  });

  it('blames clients for 499s when the upstream is fine', () => {
    const t = new Traffic().ok(100, 0.05, { response: 0.2, header: 0.2 });
    for (let i = 0; i < 12; i++) t.req(0.05, [{ status: 0, header: NaN, response: 0.2, bytesReceived: 0 }], { status: 499 });
    const d = t.diagnose();
    expect(d.likely_cause).toBe('client_abort');
    expect(d.series.rate_499).toBeGreaterThan(0.1);
  });

  it('does not name a cause for a single stray 502 in busy traffic', () => {
    const t = new Traffic().ok(2000, 0.01).req(0.5, [reset]).ok(2000, 0.01);
    expect(t.diagnose().likely_cause).toBe('healthy');
  });

  it('orders causes best first and keeps scores within 0..1', () => {
    const t = new Traffic().ok(30);
    for (const gap of [1.6, 2.0, 2.5]) t.req(gap, [reset]).ok(10);
    const d = t.diagnose();
    const scores = d.causes.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
    for (const s of scores) expect(s).toBeLessThanOrEqual(1);
    expect(d.causes[0].id).toBe(d.likely_cause);
  });

  it('says it is collecting evidence while failures are above the noise floor but few, never healthy', () => {
    // The first window of an incident: one failure among a handful of requests is 11 % 502s.
    const t = new Traffic().ok(8);
    t.req(1.8, [reset]).error('reset_by_peer', 'reading_response_header', 104);
    const d = t.diagnose();
    expect(d.series.rate_502).toBeGreaterThan(0.1);
    expect(d.status).toBe('collecting');
    expect(d.failures).toBe(1);
    expect(d.summary).toMatch(/^Collecting evidence: 1 upstream failure so far/);
    expect(d.causes[0].id).toBe(d.likely_cause);
    expect(d.causes.find((c) => c.id === 'healthy')!.score).toBe(0);
    expect(d.incident).not.toBeNull();
  });

  it('calls failures no rule explains unexplained, ending the walk at H', () => {
    // New connections that die at once, many of them: none of the known signatures.
    const t = new Traffic().ok(50, 0.1, { connect: 0.002 });
    for (let i = 0; i < 12; i++) t.req(0.1, [{ ...reset, connect: 0.002 }]).ok(3, 0.1, { connect: 0.002 });
    const d = t.diagnose();
    expect(d.status).toBe('unexplained');
    expect(d.flowchart_path[d.flowchart_path.length - 1]).toBe('H');
    expect(d.summary).toMatch(/match no known pattern/);
    expect(d.causes.find((c) => c.id === 'healthy')!.score).toBe(0);
  });

  it('dates the current incident from its first failing window, even before the analysis range', () => {
    const t = new Traffic().ok(100, 0.1);
    const begin = t.t;
    for (let i = 0; i < 8; i++) {
      t.req(0.05, [{ status: 502, connect: NaN, header: NaN, response: 0, bytesReceived: 0 }]).error('refused', 'connecting', 111);
      t.t += 9_000;
    }
    const agg = new Aggregator({ settingsFor: () => settings() });
    for (const r of t.records) agg.addAccess(r);
    for (const e of t.errors) agg.addError(e);
    const d = buildDiagnosis(
      { agg, settingsFor: () => settings(), kernelLogRead: false, counts: emptyCounts() },
      { from: t.t - 30_000, to: t.t + 1 },
    );
    expect(d.likely_cause).toBe('upstream_unreachable');
    expect(Date.parse(d.incident!.since)).toBe(Math.floor(begin / 10_000) * 10_000);
    expect(d.incident!.failures).toBe(8);
    expect(new Traffic().ok(50).diagnose().incident).toBeNull();
  });
});

