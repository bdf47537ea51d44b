// The plugin's output for a real exporter fed a recorded sample, read the way Netdata 1.37 reads it:
// every line well formed, charts defined before they are updated, counters starting from the state at
// start, shares and P95 over the window, gaps where there is nothing to show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aggregator } from '../aggregate/aggregator';
import { CAUSE_IDS } from '../diagnose/causes';
import { createAutoAccessParser } from '../parse/access/accessParser';
import { parseErrorLine } from '../parse/errorLog';
import { ExporterState } from '../metrics/store';
import { LATENCY_BUCKETS_S, STATUS_LABELS } from '../metrics/catalogue';
import { PrometheusExporter } from '../metrics/prometheus';
import { GLOBAL_CHARTS, UPSTREAM_CHARTS } from './charts';
import { NetdataPlugin, NO_UPSTREAM_ID, type NetdataPluginOptions } from './plugin';
import { isValidId } from './protocol';
import { pluginsdWords } from '../testing/pluginsdWords';
import { histogramQuantile } from './quantile';
import { StateReader } from './stateReader';

const SAMPLE = join(__dirname, '..', '..', 'samples', 'backend_crash');
const UP = '127.0.0.1:34629';
const UP_ID = '127_0_0_1_34629';
const WINDOW_MS = 300_000;

interface Chart {
  dims: Map<string, { algorithm: string; multiplier: number; divisor: number; hidden: boolean }>;
  labels: Record<string, [string, number]>;
  fields: string[];
}

/** A model of what Netdata holds after reading the output; throws on any line Netdata would reject. */
class NetdataModel {
  readonly charts = new Map<string, Chart>();
  /** Values of the last collection of each chart, as sent. */
  readonly last = new Map<string, Map<string, number>>();
  readonly keywords = new Set<string>();
  private defining: Chart | null = null;
  private pending: Record<string, [string, number]> = {};
  private collecting: string | null = null;

  read(text: string): void {
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.slice(0, -1).split('\n')) this.line(line);
    expect(this.collecting).toBeNull();
  }

  private line(line: string): void {
    const w = pluginsdWords(line);
    this.keywords.add(w[0]);
    switch (w[0]) {
      case 'CHART': {
        expect(w).toHaveLength(13);
        expect(this.collecting).toBeNull();
        const [type, id] = w[1].split('.');
        expect(isValidId(type) && isValidId(id)).toBe(true);
        expect(['line', 'area', 'stacked']).toContain(w[7]);
        expect(Number.isInteger(Number(w[8])) && Number.isInteger(Number(w[9]))).toBe(true);
        this.defining = { dims: new Map(), labels: {}, fields: w };
        this.charts.set(w[1], this.defining);
        return;
      }
      case 'DIMENSION': {
        expect(w).toHaveLength(7);
        expect(this.defining).not.toBeNull();
        expect(isValidId(w[1])).toBe(true);
        expect(['absolute', 'incremental']).toContain(w[3]);
        this.defining!.dims.set(w[1], { algorithm: w[3], multiplier: Number(w[4]), divisor: Number(w[5]), hidden: w[6] === 'hidden' });
        return;
      }
      case 'CLABEL':
        expect(w).toHaveLength(4);
        expect(['1', '2']).toContain(w[3]);
        this.pending[w[1]] = [w[2], Number(w[3])];
        return;
      case 'CLABEL_COMMIT':
        expect(w).toHaveLength(1);
        expect(this.defining).not.toBeNull();
        // Netdata 1.37 drops the plugin for a commit with nothing to commit.
        expect(Object.keys(this.pending).length).toBeGreaterThan(0);
        this.defining!.labels = this.pending;
        this.pending = {};
        return;
      case 'BEGIN':
        expect(w).toHaveLength(2);
        expect(this.charts.has(w[1])).toBe(true);
        this.collecting = w[1];
        this.last.set(w[1], new Map());
        return;
      case 'SET': {
        expect(w).toHaveLength(3);
        expect(this.collecting).not.toBeNull();
        expect(this.charts.get(this.collecting!)!.dims.has(w[1])).toBe(true);
        expect(w[2]).toMatch(/^-?\d+$/);
        this.last.get(this.collecting!)!.set(w[1], Number(w[2]));
        return;
      }
      case 'END':
        expect(w).toHaveLength(1);
        expect(this.collecting).not.toBeNull();
        this.collecting = null;
        return;
      default:
        throw new Error(`unexpected line: ${line}`);
    }
  }

  /** The value Netdata shows for a dimension of the last collection (multiplier and divisor applied). */
  shown(chart: string, dim: string): number | undefined {
    const raw = this.last.get(chart)?.get(dim);
    const d = this.charts.get(chart)!.dims.get(dim)!;
    return raw === undefined ? undefined : (raw * d.multiplier) / d.divisor;
  }
}

function feedSample(agg: Aggregator): void {
  const parse = createAutoAccessParser();
  for (const line of readFileSync(join(SAMPLE, 'access.log'), 'utf8').split('\n')) {
    const rec = line ? parse(line) : null;
    if (rec) agg.addAccess(rec);
  }
  for (const line of readFileSync(join(SAMPLE, 'error.log'), 'utf8').split('\n')) {
    const ev = line ? parseErrorLine(line, 0) : null;
    if (ev) agg.addError(ev);
  }
}

function setup(opts: Partial<NetdataPluginOptions> = {}, state?: ExporterState) {
  const ex = new PrometheusExporter({ processMetrics: false, version: 'test', state });
  const agg = new Aggregator({ listener: ex });
  const live = new StateReader(ex.state, WINDOW_MS);
  const start = new StateReader(ExporterState.fromJSON(ex.state.toJSON()), WINDOW_MS);
  let now = 1_000_000;
  live.tick(now);
  const plugin = new NetdataPlugin(live, start, { updateEvery: 1, stubStatus: false, kernelLog: false, ...opts });
  const model = new NetdataModel();
  const collect = (advanceMs = 1000) => {
    now += advanceMs;
    live.tick(now);
    model.read(plugin.collect());
  };
  return { ex, agg, plugin, model, collect };
}

describe('NetdataPlugin', () => {
  it('defines its own chart at once and upstream charts when their upstream shows up', () => {
    const { agg, model, collect } = setup();
    collect();
    expect([...model.charts.keys()]).toEqual(['upstream_doctor.lines']);
    expect(model.last.get('upstream_doctor.lines')).toEqual(new Map([['access', 0], ['error', 0], ['kernel', 0], ['parse_errors', 0]]));

    feedSample(agg);
    collect();
    const want = [
      'upstream_doctor.lines',
      ...UPSTREAM_CHARTS.map((d) => `upstream_doctor.${d.kind}_${UP_ID}`),
      ...UPSTREAM_CHARTS.filter((d) => d.withoutUpstream).map((d) => `upstream_doctor.${d.kind}_${NO_UPSTREAM_ID}`),
    ];
    expect([...model.charts.keys()].sort()).toEqual(want.sort());
    const req = model.charts.get(`upstream_doctor.requests_${UP_ID}`)!;
    expect(req.labels).toEqual({ upstream: [UP, 1] });
    expect(req.fields[5]).toBe(UP); // family
    expect(req.fields[6]).toBe('upstream_doctor.requests'); // context: one per kind, for health templates
    expect(model.charts.get(`upstream_doctor.requests_${NO_UPSTREAM_ID}`)!.labels).toEqual({ upstream: ['-', 1] });
    expect(model.keywords).toEqual(new Set(['CHART', 'DIMENSION', 'CLABEL', 'CLABEL_COMMIT', 'BEGIN', 'SET', 'END']));
  });

  it('starts a new chart’s counters from the state at start, then sends the counts', () => {
    const { ex, agg, model, collect } = setup();
    collect();
    feedSample(agg);
    collect();
    const req = `upstream_doctor.requests_${UP_ID}`;
    for (const s of STATUS_LABELS) expect(model.last.get(req)!.get(`status_${s}`)).toBe(0);
    // Gauges are current from the first update.
    expect(model.shown(`upstream_doctor.rate_502_${UP_ID}`, 'rate_502')).toBeCloseTo((100 * 71) / 346, 4);
    collect();
    expect(model.last.get(req)!.get('status_2xx')).toBe(275);
    expect(model.last.get(req)!.get('status_502')).toBe(71);
    expect(model.last.get('upstream_doctor.lines')!.get('access')).toBe(0); // the test feeds the aggregator, not the line counter
    expect(model.last.get(`upstream_doctor.failures_${UP_ID}`)).toEqual(
      new Map([['connect', 64], ['timeout', 0], ['dead_on_reuse', 10], ['dead_on_new', 1], ['mid_request', 4], ['closed', 0], ['unlogged', 0]]),
    );
    expect(model.last.get(`upstream_doctor.upstream_events_${UP_ID}`)).toEqual(new Map([['restarts', 3], ['retries', 8]]));
    const errors = model.last.get(`upstream_doctor.error_log_${UP_ID}`)!;
    expect(errors.get('reset_by_peer')).toBe(15);
    expect(errors.get('refused')).toBe(64);
    const connect = model.last.get(`upstream_doctor.connect_time_${UP_ID}`)!;
    expect(connect.get('le_0')).toBe(287);
    expect([...connect.values()].reduce((a, b) => a + b, 0)).toBe(ex.state.histogramSeries('connectTime', [UP])!.count);
  });

  it('computes shares and P95 over the window from the same state /metrics renders', () => {
    const { ex, agg, model, collect } = setup();
    collect();
    feedSample(agg);
    ex.setCauses(UP, { backend_crash: 0.861, keepalive_reuse_closed: 0.114, healthy: 0.139 }, 'backend_crash');
    collect();
    const st = ex.state;
    expect(model.shown(`upstream_doctor.rate_502_${UP_ID}`, 'rate_5xx')).toBeCloseTo((100 * 71) / 346, 4);
    expect(model.shown(`upstream_doctor.rate_502_${UP_ID}`, 'window_requests')).toBe(346);
    expect(model.shown(`upstream_doctor.connection_reuse_${UP_ID}`, 'reused')).toBeCloseTo((100 * 287) / 290, 4);
    const p95 = histogramQuantile(0.95, LATENCY_BUCKETS_S, st.histogramSeries('responseTime', [UP])!.buckets)!;
    expect(p95).toBeGreaterThan(0);
    expect(model.shown(`upstream_doctor.upstream_time_${UP_ID}`, 'p95')).toBeCloseTo(p95, 6);
    expect(model.shown(`upstream_doctor.upstream_time_${UP_ID}`, 'proxy_read_timeout')).toBe(st.value('readTimeout', [UP]));
    const causes = model.last.get(`upstream_doctor.cause_score_${UP_ID}`)!;
    expect([...causes.keys()]).toEqual([...CAUSE_IDS]);
    expect(model.shown(`upstream_doctor.cause_score_${UP_ID}`, 'backend_crash')).toBeCloseTo(0.861, 10);
    expect(model.shown(`upstream_doctor.cause_score_${UP_ID}`, 'oom_kill')).toBe(0);
  });

  it('leaves gaps when the window holds no requests, and before causes are known', () => {
    const { agg, model, collect } = setup();
    collect();
    feedSample(agg);
    collect();
    expect(model.last.get(`upstream_doctor.cause_score_${UP_ID}`)!.size).toBe(0);
    // Past the window the sample's requests are no longer in it.
    collect(WINDOW_MS + 1000);
    collect();
    const rate = model.last.get(`upstream_doctor.rate_502_${UP_ID}`)!;
    expect(rate.has('rate_502')).toBe(false);
    expect(rate.get('window_requests')).toBe(0);
    expect(model.last.get(`upstream_doctor.upstream_time_${UP_ID}`)!.has('p95')).toBe(false);
    expect(model.last.get(`upstream_doctor.connection_reuse_${UP_ID}`)!.has('reused')).toBe(false);
    // Counters keep their totals.
    expect(model.last.get(`upstream_doctor.requests_${UP_ID}`)!.get('status_502')).toBe(71);
  });

  it('continues counters restored from a checkpoint without a jump', () => {
    const first = setup();
    first.collect();
    feedSample(first.agg);
    const saved = ExporterState.fromJSON(first.ex.state.toJSON());
    const { model, collect } = setup({}, saved);
    collect();
    expect(model.last.get(`upstream_doctor.requests_${UP_ID}`)!.get('status_502')).toBe(71);
    collect();
    expect(model.last.get(`upstream_doctor.requests_${UP_ID}`)!.get('status_502')).toBe(71);
  });

  it('gives colliding upstream names distinct, stable ids and labels every chart', () => {
    const { ex, plugin, model, collect } = setup({ labels: { host: 'web 1', cluster: "eu-'1'" } });
    ex.setCauses('10.0.0.5:8080', {}, 'healthy');
    ex.setCauses('10.0.0.5.8080', {}, 'healthy');
    ex.setCauses('[::1]:8080', {}, 'healthy');
    collect();
    expect(plugin.upstreamId('10.0.0.5:8080')).toBe('10_0_0_5_8080');
    expect(plugin.upstreamId('10.0.0.5.8080')).toMatch(/^10_0_0_5_8080_h[0-9a-f]{8}$/);
    expect(plugin.upstreamId('[::1]:8080')).toMatch(/^___1__8080_h[0-9a-f]{8}$/);
    const c = model.charts.get(`upstream_doctor.cause_score_${plugin.upstreamId('10.0.0.5.8080')}`)!;
    expect(c.labels).toEqual({ upstream: ['10.0.0.5.8080', 1], host: ['web 1', 2], cluster: ["eu-'1'", 2] });
    expect(model.charts.get('upstream_doctor.lines')!.labels).toEqual({ host: ['web 1', 2], cluster: ["eu-'1'", 2] });
  });

  it('charts stub_status and kernel events only when the config reads them', () => {
    const { ex, model, collect } = setup({ stubStatus: true, kernelLog: true });
    collect();
    const kinds = [...model.charts.keys()].map((k) => k.split('.')[1]);
    expect(kinds.sort()).toEqual(GLOBAL_CHARTS.map((d) => d.kind).sort());
    expect(model.last.get('upstream_doctor.nginx_writing_share')).toEqual(new Map());
    ex.setStubStatus({ active: 20, reading: 0, writing: 19, waiting: 1, accepted: 5, handled: 5, requests: 9, writingShare: 18 / 19, time: 0 });
    collect();
    expect(model.shown('upstream_doctor.nginx_writing_share', 'writing')).toBeCloseTo((100 * 18) / 19, 4);
    expect(model.shown('upstream_doctor.nginx_writing_share', 'active')).toBe(20);
    expect(model.shown('upstream_doctor.nginx_connections', 'writing')).toBe(19);
    ex.setStubStatus(null);
    collect();
    expect(model.last.get('upstream_doctor.nginx_writing_share')).toEqual(new Map([['stub_status_up', 0]]));
  });
});
