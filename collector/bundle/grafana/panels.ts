// Small builders for Grafana 13 dashboard JSON (schemaVersion 42): queries on the provisioned Prometheus,
// core panels with thresholds, template variables and links. Only what the two dashboards use.
import { DATASOURCE } from './ids';

export const SCHEMA_VERSION = 42;

export interface Query {
  refId: string;
  expr: string;
  legend?: string;
  instant?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
}

export type Json = Record<string, unknown>;

export interface Grid {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function target(q: Query): Json {
  return {
    refId: q.refId,
    datasource: { ...DATASOURCE },
    editorMode: 'code',
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !q.instant,
    instant: Boolean(q.instant),
    ...(q.format ? { format: q.format } : {}),
  };
}

export interface Step {
  color: string;
  value: number | null;
}

/** Green below `warn`, red from it (and optionally orange from `watch`). */
export function warnSteps(warn: number, watch?: number): Step[] {
  const steps: Step[] = [{ color: 'green', value: null }];
  if (watch !== undefined) steps.push({ color: 'orange', value: watch });
  steps.push({ color: 'red', value: warn });
  return steps;
}

interface PanelArgs {
  id: number;
  title: string;
  description?: string;
  grid: Grid;
  queries: Query[];
  unit?: string;
  steps?: Step[];
  min?: number;
  max?: number;
  decimals?: number;
  links?: Json[];
  overrides?: Json[];
  transformations?: Json[];
}

function base(type: string, a: PanelArgs, custom: Json, options: Json): Json {
  return {
    id: a.id,
    type,
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    gridPos: { ...a.grid },
    datasource: { ...DATASOURCE },
    targets: a.queries.map(target),
    fieldConfig: {
      defaults: {
        ...(a.unit ? { unit: a.unit } : {}),
        ...(a.min !== undefined ? { min: a.min } : {}),
        ...(a.max !== undefined ? { max: a.max } : {}),
        ...(a.decimals !== undefined ? { decimals: a.decimals } : {}),
        color: { mode: a.steps ? 'thresholds' : 'palette-classic' },
        thresholds: { mode: 'absolute', steps: a.steps ?? [{ color: 'green', value: null }] },
        ...(a.links ? { links: a.links } : {}),
        custom,
      },
      overrides: a.overrides ?? [],
    },
    options,
    ...(a.transformations ? { transformations: a.transformations } : {}),
  };
}

const reduceLast = { calcs: ['lastNotNull'], fields: '', values: false };

/** A big number for the NOC wall: coloured background, readable across a room. */
export function stat(a: PanelArgs, textMode: 'value' | 'name' | 'value_and_name' = 'value'): Json {
  return base('stat', a, {}, {
    reduceOptions: reduceLast,
    colorMode: 'background',
    graphMode: 'area',
    justifyMode: 'center',
    textMode,
    orientation: 'auto',
    wideLayout: true,
    showPercentChange: false,
    text: { valueSize: 64, titleSize: 20 },
  });
}

export function timeseries(a: PanelArgs, opts: { thresholdLine?: boolean; stacked?: boolean } = {}): Json {
  return base(
    'timeseries',
    a,
    {
      drawStyle: 'line',
      lineWidth: 2,
      fillOpacity: opts.stacked ? 40 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: opts.stacked ? 'normal' : 'none', group: 'A' },
      thresholdsStyle: { mode: opts.thresholdLine ? 'line+area' : 'off' },
    },
    {
      legend: { showLegend: true, displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  );
}

/** Bucketed counts drawn as a heatmap (queries in `format: heatmap`, buckets already computed). */
export function heatmap(a: PanelArgs): Json {
  return base('heatmap', a, {}, {
    calculate: false,
    cellGap: 1,
    color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'exponential', exponent: 0.5, steps: 64, reverse: false },
    yAxis: { axisPlacement: 'left', unit: 's', reverse: false },
    rowsFrame: { layout: 'le' },
    cellValues: { unit: 'short' },
    tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
    legend: { show: true },
    exemplars: { color: 'rgba(255,0,255,0.7)' },
    filterValues: { le: 1e-9 },
  });
}

export function bargauge(a: PanelArgs): Json {
  return base('bargauge', a, {}, {
    reduceOptions: reduceLast,
    displayMode: 'gradient',
    orientation: 'horizontal',
    valueMode: 'color',
    namePlacement: 'left',
    showUnfilled: true,
    sizing: 'auto',
    minVizHeight: 16,
    maxVizHeight: 48,
  });
}

export function table(a: PanelArgs): Json {
  return base('table', a, { align: 'auto', cellOptions: { type: 'auto' }, inspect: false }, {
    showHeader: true,
    cellHeight: 'lg',
    footer: { show: false, reducer: ['sum'], countRows: false, fields: '' },
    sortBy: [],
  });
}

export function text(id: number, title: string, grid: Grid, content: string): Json {
  return { id, type: 'text', title, gridPos: { ...grid }, options: { mode: 'markdown', content, code: { language: 'plaintext', showLineNumbers: false, showMiniMap: false } } };
}

/** A query variable over label values; `includeAll` uses `.*` so series without the label still match. */
export function labelVariable(name: string, labelText: string, query: string, o: { multi: boolean; includeAll: boolean }): Json {
  return {
    name,
    label: labelText,
    type: 'query',
    datasource: { ...DATASOURCE },
    query,
    definition: query,
    refresh: 2,
    sort: 1,
    multi: o.multi,
    includeAll: o.includeAll,
    ...(o.includeAll ? { allValue: '.*', current: o.multi ? { text: ['All'], value: ['$__all'] } : { text: 'All', value: '$__all' } } : {}),
    options: [],
    hide: 0,
    regex: '',
    skipUrlSync: false,
  };
}

export function textboxVariable(name: string, labelText: string, description: string): Json {
  return { name, label: labelText, description, type: 'textbox', query: '', current: { text: '', value: '' }, hide: 0, skipUrlSync: false };
}

/** A link to another dashboard carrying the variables and the time range. */
export function dashboardLink(title: string, uid: string, slug: string, tooltip: string): Json {
  return { title, tooltip, type: 'link', url: `/d/${uid}/${slug}`, icon: 'dashboard', includeVars: true, keepTime: true, asDropdown: false, targetBlank: false, tags: [] };
}

export function dashboard(d: { uid: string; title: string; description: string; tags: string[]; refresh: string; time: string; variables: Json[]; links: Json[]; panels: Json[] }): Json {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: d.tags,
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: d.refresh,
    schemaVersion: SCHEMA_VERSION,
    time: { from: d.time, to: 'now' },
    timepicker: {},
    timezone: 'browser',
    weekStart: '',
    version: 1,
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: d.variables },
    links: d.links,
    panels: d.panels,
  };
}
