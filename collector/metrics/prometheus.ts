// The Prometheus exporter: counts what the aggregator concluded (it is the aggregator's listener) into an
// ExporterState and renders that state as Prometheus text through a prom-client Registry, next to
// prom-client's own process metrics. prom-client's Counter and Histogram keep their counts inside and
// cannot be loaded from a checkpoint, so each metric here is a small object whose get() reads the state.
import { Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { AggregatorListener, AttemptOutcome } from '../aggregate/aggregator';
import { CAUSE_IDS, type CauseId } from '../diagnose/causes';
import type { IngestCounts } from '../ingest/ingest';
import type { AccessRecord, ErrorEvent, KernelEvent } from '../parse/types';
import type { StubStatusSample } from '../sources/stubStatus';
import {
  ExporterState,
  histogramObserver,
  type ExporterStateJSON,
  type HistogramKey,
  type HistogramSeries,
  type ScalarSeries,
} from './store';
import {
  CONNECTION_STATES,
  FAILURE_KINDS,
  KERNEL_KINDS,
  LINE_SOURCES,
  OUTCOMES,
  errorClassLabel,
  errorPhaseLabel,
  isKernelKind,
  statusLabel,
  type FailureKind,
  type LineSource,
  type Outcome,
  type StatusLabel,
} from './labelValues';
import { METRICS, STATUS_LABELS, type MetricDef, type MetricKey } from './catalogue';

export interface PrometheusExporterOptions {
  /** Counts to continue from (a checkpoint's `ExporterState.fromJSON`); a fresh state otherwise. */
  state?: ExporterState;
  /** Labels added to every sample, process metrics included (e.g. `{ host, cluster }` from the config). */
  defaultLabels?: Record<string, string>;
  /** prom-client's process and Node.js runtime metrics (default true). */
  processMetrics?: boolean;
  /** The collector version for `build_info`. */
  version?: string;
}

export class ExporterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExporterConfigError';
  }
}

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };

/** A registry entry whose samples are whatever the state holds at scrape time. */
class StateMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricDef['type'];
  readonly aggregator = 'sum';
  private readonly def: MetricDef;

  constructor(
    private readonly key: MetricKey,
    private readonly state: ExporterState,
  ) {
    this.def = METRICS[key];
    this.name = this.def.name;
    this.help = this.def.help;
    this.type = this.def.type;
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples() };
  }

  /** registry.resetMetrics() must not zero counts that live in the checkpointed state. */
  reset(): void {}

  private samples(): Sample[] {
    const st = this.state;
    const names = this.def.labels;
    const labelsOf = (values: readonly string[]) => {
      const out: Record<string, string | number> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = values[i];
      return out;
    };
    if (this.def.type !== 'histogram') {
      return st.scalarSeries(this.key as Exclude<MetricKey, HistogramKey>).map((s) => ({ value: s.value, labels: labelsOf(s.labels) }));
    }
    const bounds = this.def.buckets ?? [];
    const out: Sample[] = [];
    for (const s of st.allHistogramSeries(this.key as HistogramKey)) {
      const labels = labelsOf(s.labels);
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += s.buckets[i];
        out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bounds[i] }, value: cumulative });
      }
      out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
      out.push({ metricName: `${this.name}_count`, labels, value: s.count });
    }
    return out;
  }
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OWN_LABELS = new Set<string>(['le', ...(Object.values(METRICS) as MetricDef[]).flatMap((m) => m.labels)]);

function checkDefaultLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME_RE.test(name) || name.startsWith('__')) throw new ExporterConfigError(`bad label name "${name}"`);
    // prom-client lets a metric's own label win silently; a default label that vanishes on some series is worse than an error.
    if (OWN_LABELS.has(name)) throw new ExporterConfigError(`label "${name}" is one the metrics use themselves`);
    if (typeof value !== 'string') throw new ExporterConfigError(`label "${name}" must be a string`);
    out[name] = value;
  }
  return out;
}

interface UpstreamSeries {
  outcome: Record<Outcome, ScalarSeries | null>;
  failure: Record<FailureKind, ScalarSeries | null>;
  reused: ScalarSeries | null;
  fresh: ScalarSeries | null;
  retries: ScalarSeries | null;
  restarts: ScalarSeries | null;
  readTimeout: ScalarSeries | null;
  response: HistogramSeries | null;
  header: HistogramSeries | null;
  connect: HistogramSeries | null;
}

const observeResponse = histogramObserver('responseTime');
const observeHeader = histogramObserver('headerTime');
const observeConnect = histogramObserver('connectTime');

/** One more on a counter series held by reference (null: the series cap was reached). */
function bump(s: ScalarSeries | null): void {
  if (s) s.value++;
}

export class PrometheusExporter implements AggregatorListener {
  readonly registry: Registry;
  private readonly st: ExporterState;
  // The series each upstream's records update, held directly: a label lookup per update cost more than
  // the aggregator's own work per record. Keys are the aggregator's capped upstream keys.
  private readonly upstreamSeries = new Map<string, UpstreamSeries>();
  private readonly requestSeries = new Map<string, Record<StatusLabel, ScalarSeries | null>>();
  private kernelFilled = false;

  constructor(opts: PrometheusExporterOptions = {}) {
    this.st = opts.state ?? new ExporterState();
    this.registry = new Registry();
    if (opts.defaultLabels) this.registry.setDefaultLabels(checkDefaultLabels(opts.defaultLabels));
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      // The registry takes any object with name/help/type/get(); its typings only list prom-client's classes.
      this.registry.registerMetric(new StateMetric(key, this.st) as unknown as Metric);
    }
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.st.clearGauge('buildInfo');
    this.st.set('buildInfo', [opts.version ?? 'unknown'], 1);
    this.st.zero('folded', []);
  }

  get state(): ExporterState {
    return this.st;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition for GET /metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  toJSON(): ExporterStateJSON {
    return this.st.toJSON();
  }

  // ── AggregatorListener ──

  attempt(o: AttemptOutcome): void {
    const h = this.attemptSeries(o.upstream);
    bump(h.outcome[o.failed ? 'failed' : o.stalled ? 'stalled' : 'ok']);
    if (o.kind) bump(h.failure[o.kind]);
    if (o.retry) bump(h.retries);
    if (o.reused) bump(h.reused);
    else if (o.fresh) bump(h.fresh);
    if (o.comeback) bump(h.restarts);
    const a = o.attempt;
    if (h.response) observeResponse(h.response, a.response);
    if (h.header) observeHeader(h.header, a.header);
    if (h.connect) observeConnect(h.connect, a.connect);
    if (h.readTimeout && Number.isFinite(o.readTimeoutS)) h.readTimeout.value = o.readTimeoutS;
  }

  request(upstream: string, rec: AccessRecord): void {
    let h = this.requestSeries.get(upstream);
    if (!h) {
      h = {} as Record<StatusLabel, ScalarSeries | null>;
      for (const s of STATUS_LABELS) h[s] = this.st.seriesRef('requests', [upstream, s]);
      this.requestSeries.set(upstream, h);
    }
    bump(h[statusLabel(rec.status)]);
  }

  error(upstream: string, ev: ErrorEvent): void {
    this.st.inc('errorLog', [upstream, errorClassLabel(ev.cls), errorPhaseLabel(ev.phase)]);
  }

  kernel(ev: KernelEvent): void {
    this.fillKernel();
    if (isKernelKind(ev.kind)) this.st.inc('kernel', [ev.kind]);
  }

  folded(): void {
    this.st.inc('folded', []);
  }

  // ── What the watch command reports besides records ──

  /**
   * The ingest path's counts and newest line times, read when /metrics is scraped (the one line counter
   * lives in Ingest; this mirrors it). Counters only ever move up, and a source shows up with its parse
   * errors at 0 once it has lines.
   */
  setIngest(counts: IngestCounts, newest: Record<LineSource, number>): void {
    const st = this.st;
    const up = (s: ScalarSeries | null, v: number) => {
      if (s && v > s.value && v < Infinity) s.value = v;
    };
    for (const src of LINE_SOURCES) {
      if (counts.lines[src] === 0) continue;
      up(st.seriesRef('lines', [src]), counts.lines[src]);
      up(st.seriesRef('parseErrors', [src]), counts.parseErrors[src]);
      if (src === 'kernel') this.fillKernel();
      const t = newest[src] / 1000;
      const have = st.value('lastLine', [src]);
      if (Number.isFinite(t) && (have === undefined || t > have)) st.set('lastLine', [src], t);
    }
    if (counts.parseErrors.too_long > 0) up(st.seriesRef('parseErrors', ['too_long']), counts.parseErrors.too_long);
  }

  setTailLag(file: string, bytes: number): void {
    this.st.set('tailLag', [file], Math.max(0, bytes));
  }

  setReadTimeout(upstream: string, seconds: number): void {
    this.st.set('readTimeout', [upstream], seconds);
  }

  /** Every cause gets a series for the upstream (its score or 0), so series never come and go. */
  setCauses(upstream: string, scores: Partial<Record<CauseId, number>>, likely: CauseId): void {
    for (const id of CAUSE_IDS) {
      const score = scores[id];
      this.st.set('causeScore', [upstream, id], score !== undefined && score > 0 ? Math.min(score, 1) : 0);
      this.st.set('likelyCause', [upstream, id], id === likely ? 1 : 0);
    }
  }

  /**
   * A stub_status poll: a sample, or null when it failed (up = 0; the other nginx gauges keep their last
   * values, so read them together with `stub_status_up`). nginx's counters restart at 0 with nginx; the
   * exported ones add what each poll shows beyond the previous one, so they only grow.
   */
  setStubStatus(sample: StubStatusSample | null): void {
    const st = this.st;
    if (!sample) {
      st.set('stubUp', [], 0);
      return;
    }
    st.set('stubUp', [], 1);
    const states: Record<(typeof CONNECTION_STATES)[number], number> = {
      active: sample.active,
      reading: sample.reading,
      writing: sample.writing,
      waiting: sample.waiting,
    };
    for (const s of CONNECTION_STATES) st.set('nginxConnections', [s], states[s]);
    st.set('nginxWritingShare', [], sample.writingShare);
    const prev = st.stubRaw;
    const grow = (key: 'nginxAccepted' | 'nginxHandled' | 'nginxRequests', now: number, before: number | undefined) =>
      st.inc(key, [], before !== undefined && now >= before ? now - before : now);
    grow('nginxAccepted', sample.accepted, prev?.accepted);
    grow('nginxHandled', sample.handled, prev?.handled);
    grow('nginxRequests', sample.requests, prev?.requests);
    st.stubRaw = { accepted: sample.accepted, handled: sample.handled, requests: sample.requests };
  }

  /** The series one upstream's attempts update, created at 0 together so none appears only on its first event. */
  private attemptSeries(up: string): UpstreamSeries {
    let h = this.upstreamSeries.get(up);
    if (h) return h;
    const st = this.st;
    const outcome = {} as Record<Outcome, ScalarSeries | null>;
    for (const o of OUTCOMES) outcome[o] = st.seriesRef('attempts', [up, o]);
    const failure = {} as Record<FailureKind, ScalarSeries | null>;
    for (const k of FAILURE_KINDS) failure[k] = st.seriesRef('failures', [up, k]);
    h = {
      outcome,
      failure,
      reused: st.seriesRef('connections', [up, 'reused']),
      fresh: st.seriesRef('connections', [up, 'new']),
      retries: st.seriesRef('retries', [up]),
      restarts: st.seriesRef('restarts', [up]),
      readTimeout: st.seriesRef('readTimeout', [up]),
      response: st.histogramRef('responseTime', [up]),
      header: st.histogramRef('headerTime', [up]),
      connect: st.histogramRef('connectTime', [up]),
    };
    this.upstreamSeries.set(up, h);
    return h;
  }

  private fillKernel(): void {
    if (this.kernelFilled) return;
    for (const k of KERNEL_KINDS) this.st.zero('kernel', [k]);
    this.kernelFilled = true;
  }
}
