// Everything the exporters count, as plain numbers keyed by label values. Kept apart from prom-client's
// metric objects because those cannot be loaded back from saved bucket counts: this state can, so the
// watch command writes it into the same atomic checkpoint as the file offsets and a restart continues
// every counter from exactly the lines already counted.
import { bucketIndex } from '../aggregate/buckets';
import { METRICS, type MetricDef, type MetricKey, type MetricType } from './catalogue';

type KeyOfType<T extends MetricType> = { [K in MetricKey]: (typeof METRICS)[K]['type'] extends T ? K : never }[MetricKey];
export type CounterKey = KeyOfType<'counter'>;
export type GaugeKey = KeyOfType<'gauge'>;
export type HistogramKey = KeyOfType<'histogram'>;
type ScalarKey = CounterKey | GaugeKey;

export interface ScalarSeries {
  /** Label values in the order of the metric's `labels`. */
  labels: string[];
  value: number;
}

export interface HistogramSeries {
  labels: string[];
  /** Observations per bucket, not cumulative; one more entry than bounds: the last holds values above them all. */
  buckets: number[];
  sum: number;
  count: number;
}

/** nginx's own stub_status counters as last read, so the next poll adds only what is new. */
export interface StubCounters {
  accepted: number;
  handled: number;
  requests: number;
}

type ScalarJSON = { type: 'counter' | 'gauge'; labels: string[]; series: Array<[string[], number]> };
type HistogramJSON = { type: 'histogram'; labels: string[]; bounds: number[]; series: Array<[string[], number[], number]> };

export interface ExporterStateJSON {
  version: 1;
  /** By metric name, so a renamed metric or a changed bucket layout is recognised on load. */
  metrics: Record<string, ScalarJSON | HistogramJSON>;
  stubRaw: StubCounters | null;
  droppedSeries: number;
}

/** Far above what the capped label sets allow (the largest, error-log events, stays under 7 000). */
export const MAX_SERIES_PER_METRIC = 10_000;
const STATE_VERSION = 1;

export class ExporterStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExporterStateError';
  }
}

const KEY_BY_NAME = new Map<string, MetricKey>((Object.keys(METRICS) as MetricKey[]).map((k) => [METRICS[k].name, k]));
/** Bounds with +Inf appended, the layout `bucketIndex` expects. */
const BOUNDS = new Map<MetricKey, number[]>(
  (Object.keys(METRICS) as MetricKey[])
    .filter((k) => def(k).type === 'histogram')
    .map((k) => [k, [...(def(k).buckets ?? []), Infinity]]),
);

function def(key: MetricKey): MetricDef {
  return METRICS[key];
}

function seriesKey(labels: readonly string[]): string {
  return labels.length === 1 ? labels[0] : labels.join('\u0000');
}

export class ExporterState {
  private readonly scalars = new Map<ScalarKey, Map<string, ScalarSeries>>();
  private readonly histograms = new Map<HistogramKey, Map<string, HistogramSeries>>();
  stubRaw: StubCounters | null = null;
  /** Series not created because a metric reached MAX_SERIES_PER_METRIC. */
  droppedSeries = 0;
  /** What `fromJSON` left out because the metric table changed since the state was saved. */
  readonly restoreNotes: string[] = [];

  /** Adds to a counter; negative, NaN and infinite amounts are ignored so a counter never goes down. */
  inc(key: CounterKey, labels: readonly string[], by = 1): void {
    if (!(by >= 0 && by < Infinity)) return;
    const s = this.scalar(key, labels);
    if (s) s.value += by;
  }

  /** Creates the series at 0 when missing: a series that exists before its first event lets rate() see that event. */
  zero(key: CounterKey, labels: readonly string[]): void {
    this.scalar(key, labels);
  }

  set(key: GaugeKey, labels: readonly string[], value: number): void {
    if (!Number.isFinite(value)) return;
    const s = this.scalar(key, labels);
    // -0 would come back from JSON as 0; normalised here so a restored state renders the same.
    if (s) s.value = value === 0 ? 0 : value;
  }

  /** Drops every series of a gauge (for labels that must name only the current value, like a version). */
  clearGauge(key: GaugeKey): void {
    this.scalars.delete(key);
  }

  observe(key: HistogramKey, labels: readonly string[], value: number): void {
    if (!(value >= 0 && value < Infinity)) return;
    const s = this.histogram(key, labels, true);
    if (s) observeInto(BOUNDS.get(key)!, s, value);
  }

  /**
   * The live series object, created at 0 when missing (null past the series cap), for a caller that
   * updates the same series on every record: it keeps the reference and skips the label lookup.
   * Counters must only be increased through it.
   */
  seriesRef(key: ScalarKey, labels: readonly string[]): ScalarSeries | null {
    return this.scalar(key, labels);
  }

  /** Like seriesRef, for a histogram; observe into it with `histogramObserver(key)`. */
  histogramRef(key: HistogramKey, labels: readonly string[]): HistogramSeries | null {
    return this.histogram(key, labels, true) ?? null;
  }

  value(key: ScalarKey, labels: readonly string[]): number | undefined {
    return this.scalars.get(key)?.get(seriesKey(labels))?.value;
  }

  histogramSeries(key: HistogramKey, labels: readonly string[]): Readonly<HistogramSeries> | undefined {
    return this.histogram(key, labels, false);
  }

  /** Series of a counter or gauge in the order they were created. */
  scalarSeries(key: ScalarKey): readonly ScalarSeries[] {
    return [...(this.scalars.get(key)?.values() ?? [])];
  }

  allHistogramSeries(key: HistogramKey): readonly HistogramSeries[] {
    return [...(this.histograms.get(key)?.values() ?? [])];
  }

  toJSON(): ExporterStateJSON {
    const metrics: ExporterStateJSON['metrics'] = {};
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const d = def(key);
      if (d.type === 'histogram') {
        const ser = this.histograms.get(key as HistogramKey);
        if (!ser?.size) continue;
        metrics[d.name] = {
          type: 'histogram',
          labels: [...d.labels],
          bounds: [...(d.buckets ?? [])],
          series: [...ser.values()].map((s) => [[...s.labels], [...s.buckets], s.sum]),
        };
      } else {
        const ser = this.scalars.get(key as ScalarKey);
        if (!ser?.size) continue;
        metrics[d.name] = { type: d.type, labels: [...d.labels], series: [...ser.values()].map((s) => [[...s.labels], s.value]) };
      }
    }
    return { version: STATE_VERSION, metrics, stubRaw: this.stubRaw && { ...this.stubRaw }, droppedSeries: this.droppedSeries };
  }

  /**
   * Loads what `toJSON` wrote. A metric whose name, type, labels or buckets no longer match the table
   * is left out (Prometheus sees a counter reset, which rate() handles); anything malformed throws
   * ExporterStateError, since half a checkpoint would double or lose counts.
   */
  static fromJSON(data: unknown): ExporterState {
    if (!isObject(data)) throw new ExporterStateError('exporter state is not an object');
    if (data.version !== STATE_VERSION) throw new ExporterStateError(`unsupported exporter state version ${String(data.version)}`);
    if (!isObject(data.metrics)) throw new ExporterStateError('exporter state has no metrics object');
    const st = new ExporterState();
    for (const [name, m] of Object.entries(data.metrics)) {
      if (!isObject(m) || !Array.isArray(m.series) || !Array.isArray(m.labels)) {
        throw new ExporterStateError(`exporter state: metric ${name} is malformed`);
      }
      const key = KEY_BY_NAME.get(name);
      const d = key && def(key);
      if (!key || !d) {
        st.restoreNotes.push(`${name}: no longer exported`);
        continue;
      }
      if (m.type !== d.type || !sameList(m.labels, d.labels)) {
        st.restoreNotes.push(`${name}: type or labels changed`);
        continue;
      }
      if (d.type === 'histogram') {
        if (!Array.isArray(m.bounds) || !sameList(m.bounds, d.buckets ?? [])) {
          st.restoreNotes.push(`${name}: buckets changed`);
          continue;
        }
        st.loadHistogram(key as HistogramKey, name, m.series, d.labels.length, (d.buckets?.length ?? 0) + 1);
      } else {
        st.loadScalar(key as ScalarKey, name, m.series, d.labels.length, d.type === 'counter');
      }
    }
    if (data.stubRaw !== null && data.stubRaw !== undefined) {
      const r = data.stubRaw;
      if (!isObject(r) || ![r.accepted, r.handled, r.requests].every(isCount)) {
        throw new ExporterStateError('exporter state: stubRaw is malformed');
      }
      st.stubRaw = { accepted: r.accepted as number, handled: r.handled as number, requests: r.requests as number };
    }
    if (data.droppedSeries !== undefined) {
      if (!isCount(data.droppedSeries)) throw new ExporterStateError('exporter state: droppedSeries is malformed');
      st.droppedSeries = data.droppedSeries;
    }
    return st;
  }

  private loadScalar(key: ScalarKey, name: string, series: unknown[], nLabels: number, counter: boolean): void {
    const into = new Map<string, ScalarSeries>();
    for (const entry of series) {
      const ok =
        Array.isArray(entry) &&
        entry.length === 2 &&
        isLabels(entry[0], nLabels) &&
        (counter ? isCount(entry[1]) : Number.isFinite(entry[1]));
      if (!ok) throw new ExporterStateError(`exporter state: a series of ${name} is malformed`);
      const labels = [...(entry[0] as string[])];
      const k = seriesKey(labels);
      if (into.has(k)) throw new ExporterStateError(`exporter state: ${name} holds one series twice`);
      into.set(k, { labels, value: entry[1] as number });
    }
    if (into.size > MAX_SERIES_PER_METRIC) throw new ExporterStateError(`exporter state: ${name} has too many series`);
    if (into.size) this.scalars.set(key, into);
  }

  private loadHistogram(key: HistogramKey, name: string, series: unknown[], nLabels: number, nBuckets: number): void {
    const into = new Map<string, HistogramSeries>();
    for (const entry of series) {
      const ok =
        Array.isArray(entry) &&
        entry.length === 3 &&
        isLabels(entry[0], nLabels) &&
        Array.isArray(entry[1]) &&
        entry[1].length === nBuckets &&
        entry[1].every(isCount) &&
        typeof entry[2] === 'number' &&
        entry[2] >= 0 &&
        Number.isFinite(entry[2]);
      if (!ok) throw new ExporterStateError(`exporter state: a series of ${name} is malformed`);
      const labels = [...(entry[0] as string[])];
      const buckets = [...(entry[1] as number[])];
      const k = seriesKey(labels);
      if (into.has(k)) throw new ExporterStateError(`exporter state: ${name} holds one series twice`);
      into.set(k, { labels, buckets, sum: entry[2] as number, count: buckets.reduce((a, b) => a + b, 0) });
    }
    if (into.size > MAX_SERIES_PER_METRIC) throw new ExporterStateError(`exporter state: ${name} has too many series`);
    if (into.size) this.histograms.set(key, into);
  }

  private scalar(key: ScalarKey, labels: readonly string[]): ScalarSeries | null {
    checkLabels(key, labels);
    let ser = this.scalars.get(key);
    if (!ser) this.scalars.set(key, (ser = new Map()));
    const k = seriesKey(labels);
    let s = ser.get(k);
    if (!s) {
      if (ser.size >= MAX_SERIES_PER_METRIC) {
        this.droppedSeries++;
        return null;
      }
      ser.set(k, (s = { labels: [...labels], value: 0 }));
    }
    return s;
  }

  private histogram(key: HistogramKey, labels: readonly string[], create: boolean): HistogramSeries | undefined {
    checkLabels(key, labels);
    let ser = this.histograms.get(key);
    if (!ser) {
      if (!create) return undefined;
      this.histograms.set(key, (ser = new Map()));
    }
    const k = seriesKey(labels);
    let s = ser.get(k);
    if (!s && create) {
      if (ser.size >= MAX_SERIES_PER_METRIC) {
        this.droppedSeries++;
        return undefined;
      }
      const n = BOUNDS.get(key)!.length;
      ser.set(k, (s = { labels: [...labels], buckets: new Array<number>(n).fill(0), sum: 0, count: 0 }));
    }
    return s;
  }
}

/** Adds one observation to a histogram series of the given bounds (+Inf last); negative, NaN and infinite values are ignored. */
function observeInto(bounds: readonly number[], s: HistogramSeries, value: number): void {
  if (!(value >= 0 && value < Infinity)) return;
  s.buckets[bucketIndex(bounds, value)]++;
  s.sum += value;
  s.count++;
}

/** An observe function bound to one histogram's buckets, for series held through histogramRef. */
export function histogramObserver(key: HistogramKey): (s: HistogramSeries, value: number) => void {
  const bounds = BOUNDS.get(key)!;
  return (s, value) => observeInto(bounds, s, value);
}

/** A wrong label count is a bug in the caller, not bad input: it fails loudly rather than mislabelling. */
function checkLabels(key: MetricKey, labels: readonly string[]): void {
  const want = def(key).labels.length;
  if (labels.length !== want) {
    throw new ExporterStateError(`${def(key).name} takes ${want} label values, got ${labels.length}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && Number.isFinite(v);
}

function isLabels(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string');
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
