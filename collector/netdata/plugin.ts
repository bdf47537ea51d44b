// One collection of the plugin as protocol text: charts for upstreams seen since the last one are defined
// first (CHART, DIMENSION, CLABEL, CLABEL_COMMIT), then every chart gets BEGIN / SET / END. Netdata keeps
// the first value of an incremental dimension as its starting point, so a chart's first update sends its
// counters as they were when the plugin started (0 for new series): what was counted before the chart
// existed then shows up as the next interval's rate instead of being lost.
import { NO_UPSTREAM } from '../aggregate/aggregator';
import {
  CHART_TYPE,
  GLOBAL_CHARTS,
  PLUGIN_NAME,
  UPSTREAM_CHARTS,
  chartContext,
  chartPriority,
  familyOf,
  type ChartDef,
  type DimValues,
} from './charts';
import {
  LABEL_SOURCE_AUTO,
  LABEL_SOURCE_CONFIG,
  MAX_ID_LENGTH,
  beginLine,
  chartLine,
  clabelCommitLine,
  clabelLine,
  dimensionLine,
  endLine,
  hash,
  sanitizeId,
  scaled,
  setLine,
} from './protocol';
import type { StateReader } from './stateReader';

export interface NetdataPluginOptions {
  updateEvery: number;
  /** Chart the stub_status gauges (the config polls stub_status). */
  stubStatus: boolean;
  /** Chart kernel events (the config reads a kernel log). */
  kernelLog: boolean;
  /** Added to every chart as labels (the config's `labels:`). */
  labels?: Record<string, string>;
}

interface ChartInstance {
  def: ChartDef;
  id: string;
  upstream: string | null;
  updated: boolean;
}

/** Chart id suffix for what nginx answered without an upstream. */
export const NO_UPSTREAM_ID = 'no_upstream';
const LONGEST_KIND = Math.max(...[...UPSTREAM_CHARTS, ...GLOBAL_CHARTS].map((d) => d.kind.length));

export class NetdataPlugin {
  private readonly charts: ChartInstance[] = [];
  private readonly chartIds = new Set<string>();
  private readonly upstreamIds = new Map<string, string>();
  private readonly usedUpstreamIds = new Set<string>();

  /**
   * @param live the reader over the exporter's state, ticked before each collection
   * @param start a reader over a copy of the state taken when the plugin started
   */
  constructor(
    private readonly live: StateReader,
    private readonly start: StateReader,
    private readonly opts: NetdataPluginOptions,
  ) {}

  /** The text for one collection, ending in a newline. */
  collect(): string {
    const out: string[] = [];
    for (const def of GLOBAL_CHARTS) {
      if (def.needs === 'stubStatus' && !this.opts.stubStatus) continue;
      if (def.needs === 'kernelLog' && !this.opts.kernelLog) continue;
      this.ensure(def, null, out);
    }
    for (const upstream of this.live.upstreams()) {
      for (const def of UPSTREAM_CHARTS) {
        if (upstream === NO_UPSTREAM && !def.withoutUpstream) continue;
        this.ensure(def, upstream, out);
      }
    }
    for (const c of this.charts) this.update(c, out);
    return out.length ? out.join('\n') + '\n' : '';
  }

  /** The chart id suffix an upstream got (for tests and docs). */
  upstreamId(upstream: string): string | undefined {
    return this.upstreamIds.get(upstream);
  }

  private ensure(def: ChartDef, upstream: string | null, out: string[]): void {
    const id = upstream === null ? def.kind : `${def.kind}_${this.idFor(upstream)}`;
    if (this.chartIds.has(id)) return;
    this.chartIds.add(id);
    this.charts.push({ def, id, upstream, updated: false });
    out.push(
      chartLine({
        type: CHART_TYPE,
        id,
        title: def.title,
        units: def.units,
        family: def.scope === 'global' ? def.family : familyOf(upstream!),
        context: chartContext(def),
        chartType: def.chartType,
        priority: chartPriority(def),
        updateEvery: this.opts.updateEvery,
        plugin: PLUGIN_NAME,
        module: def.scope === 'global' ? 'collector' : 'upstream',
      }),
    );
    for (const d of def.dims) out.push(dimensionLine(d));
    const labels: string[] = [];
    if (upstream !== null) labels.push(clabelLine('upstream', upstream, LABEL_SOURCE_AUTO));
    for (const [k, v] of Object.entries(this.opts.labels ?? {})) labels.push(clabelLine(k, v, LABEL_SOURCE_CONFIG));
    // Netdata 1.37 takes a CLABEL_COMMIT without labels before it as an error and drops the plugin.
    if (labels.length) out.push(...labels, clabelCommitLine());
  }

  private update(c: ChartInstance, out: string[]): void {
    const values = this.read(c, this.live);
    const first = !c.updated ? this.read(c, this.start) : null;
    out.push(beginLine(CHART_TYPE, c.id));
    for (const d of c.def.dims) {
      const v = first && d.algorithm === 'incremental' ? first[d.id] : values[d.id];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      out.push(setLine(d.id, scaled(v, d.multiplier, d.divisor)));
    }
    out.push(endLine());
    c.updated = true;
  }

  private read(c: ChartInstance, r: StateReader): DimValues {
    return c.def.scope === 'upstream' ? c.def.read(r, c.upstream!) : c.def.read(r);
  }

  /** A stable id per upstream; two addresses that sanitise alike are told apart by a hash of the second. */
  private idFor(upstream: string): string {
    const have = this.upstreamIds.get(upstream);
    if (have) return have;
    const max = MAX_ID_LENGTH - LONGEST_KIND - 1;
    let id = upstream === NO_UPSTREAM ? NO_UPSTREAM_ID : sanitizeId(upstream, max);
    if (this.usedUpstreamIds.has(id)) id = `${id.slice(0, max - 10)}_h${hash(upstream)}`;
    this.upstreamIds.set(upstream, id);
    this.usedUpstreamIds.add(id);
    return id;
  }
}
