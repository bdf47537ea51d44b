// What the Netdata charts read: the Prometheus exporter's own state (so a chart and /metrics agree), plus
// a ring of snapshots for the figures PromQL would take over a range — 502 share, reused share and P95 —
// computed over the same trailing window, like `rate(…[5m])` at the moment of collection.
import { ERROR_CLASSES } from '../metrics/labelValues';
import type { CounterKey, ExporterState, GaugeKey, HistogramKey } from '../metrics/store';
import { METRICS, STATUS_LABELS } from '../metrics/catalogue';

/** The counts a trailing window needs, for one upstream. */
export interface WindowCounts {
  /** Client requests by status, in STATUS_LABELS order. */
  requests: number[];
  reused: number;
  fresh: number;
  /** Upstream response time observations per bucket (LATENCY_BUCKETS_S, then +Inf), not cumulative. */
  response: number[];
}

const RESPONSE_BUCKETS = (METRICS.responseTime.buckets?.length ?? 0) + 1;

function emptyCounts(): WindowCounts {
  return { requests: new Array<number>(STATUS_LABELS.length).fill(0), reused: 0, fresh: 0, response: new Array<number>(RESPONSE_BUCKETS).fill(0) };
}

const STATUS_INDEX = new Map<string, number>(STATUS_LABELS.map((s, i) => [s, i]));

export class StateReader {
  private readonly ring: Array<{ t: number; counts: Map<string, WindowCounts> }> = [];
  private errorClassCache: Map<string, Record<string, number>> | null = null;

  /**
   * @param windowMs how far back the windowed figures look (the plugin uses `diagnosis_window`).
   * Without a tick the reader has no window and the windowed figures are empty.
   */
  constructor(
    readonly state: ExporterState,
    readonly windowMs: number,
  ) {}

  /**
   * Records the counts as they are now; call once per collection, before reading. The window's base is
   * the newest snapshot at least `windowMs` old, or the first one while the plugin is younger than that.
   */
  tick(nowMs: number): void {
    this.ring.push({ t: nowMs, counts: this.capture() });
    while (this.ring.length >= 2 && this.ring[1].t <= nowMs - this.windowMs) this.ring.shift();
    this.errorClassCache = null;
  }

  /** Upstreams that have any series, in the order the exporter first saw them. */
  upstreams(): string[] {
    const seen = new Set<string>();
    for (const key of ['requests', 'attempts', 'errorLog', 'causeScore'] as const) {
      for (const s of this.state.scalarSeries(key)) seen.add(s.labels[0]);
    }
    return [...seen];
  }

  counter(key: CounterKey, labels: readonly string[]): number {
    return this.state.value(key, labels) ?? 0;
  }

  gauge(key: GaugeKey, labels: readonly string[]): number | null {
    return this.state.value(key, labels) ?? null;
  }

  /** Observations per bucket (the metric's bounds, then +Inf), not cumulative; zeros when the series is missing. */
  histogram(key: HistogramKey, labels: readonly string[]): number[] {
    const s = this.state.histogramSeries(key, labels);
    return s ? [...s.buckets] : new Array<number>((METRICS[key].buckets?.length ?? 0) + 1).fill(0);
  }

  /** Error-log events of one upstream by class, summed over the request phases. */
  errorClasses(upstream: string): Record<string, number> {
    if (!this.errorClassCache) {
      const cache = new Map<string, Record<string, number>>();
      for (const s of this.state.scalarSeries('errorLog')) {
        let row = cache.get(s.labels[0]);
        if (!row) cache.set(s.labels[0], (row = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0]))));
        row[s.labels[1]] = (row[s.labels[1]] ?? 0) + s.value;
      }
      this.errorClassCache = cache;
    }
    return this.errorClassCache.get(upstream) ?? Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0]));
  }

  /** Counts added over the trailing window (all zeros before the first tick or for an unknown upstream). */
  window(upstream: string): WindowCounts {
    const out = emptyCounts();
    if (this.ring.length === 0) return out;
    const now = this.ring[this.ring.length - 1].counts.get(upstream);
    if (!now) return out;
    const base = this.ring[0].counts.get(upstream) ?? emptyCounts();
    out.requests = now.requests.map((v, i) => v - base.requests[i]);
    out.reused = now.reused - base.reused;
    out.fresh = now.fresh - base.fresh;
    out.response = now.response.map((v, i) => v - base.response[i]);
    return out;
  }

  private capture(): Map<string, WindowCounts> {
    const out = new Map<string, WindowCounts>();
    const row = (u: string) => {
      let c = out.get(u);
      if (!c) out.set(u, (c = emptyCounts()));
      return c;
    };
    for (const s of this.state.scalarSeries('requests')) {
      const i = STATUS_INDEX.get(s.labels[1]);
      if (i !== undefined) row(s.labels[0]).requests[i] = s.value;
    }
    for (const s of this.state.scalarSeries('connections')) {
      if (s.labels[1] === 'reused') row(s.labels[0]).reused = s.value;
      else if (s.labels[1] === 'new') row(s.labels[0]).fresh = s.value;
    }
    for (const s of this.state.allHistogramSeries('responseTime')) row(s.labels[0]).response = [...s.buckets];
    return out;
  }
}
