// The panel's options: their type, defaults, and the editor that sets them. The view reads the same
// shape (ViewOptions) so the embedded page and the panel draw alike.
import type { PanelOptionsEditorBuilder, SelectableValue } from '@grafana/data';
import type { Orientation } from './model/flowchart';

export const SECTIONS = ['flowchart', 'rate_502', 'writing_share', 'p95', 'connect', 'upstreams', 'examples'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LABELS: Record<Section, string> = {
  flowchart: 'Diagnostic flowchart',
  rate_502: '502 rate',
  writing_share: 'Writing share',
  p95: 'P95 vs proxy_read_timeout',
  connect: 'Connect time (reuse)',
  upstreams: 'Per-upstream breakdown',
  examples: 'Failing requests (collector API)',
};

export type CompactMode = 'auto' | 'on' | 'off';

export interface Thresholds {
  /** 502 share of requests above which the rate is a warning (seed: 1 % sustained). */
  rate502: number;
  /** P95 upstream time as a share of proxy_read_timeout above which it is a warning (seed: 80 %). */
  p95Share: number;
  /** Writing / active connections above which it is a warning (seed: 90 %). */
  writingShare: number;
}

/** What the view needs; the Grafana-only options (URLs, data sources) stay in DoctorOptions. */
export interface ViewOptions {
  sections: Section[];
  thresholds: Thresholds;
  orientation: Orientation;
  compact: CompactMode;
}

export interface DoctorOptions extends ViewOptions {
  /** Base URL of the collector (`upstream-doctor watch`); enables the engine's evidence and drill-down. */
  apiUrl: string;
  /** Data source for Explore links; empty: the panel's own query data source. */
  exploreDatasourceUid: string;
  /** Loki (or other logs) data source for the "logs for this window" link; empty: no logs link. */
  logsDatasourceUid: string;
  /** Logs query for that link; `$__upstream` becomes the selected upstream (empty for all). */
  logsQuery: string;
}

export const DEFAULT_THRESHOLDS: Thresholds = { rate502: 0.01, p95Share: 0.8, writingShare: 0.9 };

export const DEFAULT_OPTIONS: DoctorOptions = {
  sections: [...SECTIONS],
  thresholds: { ...DEFAULT_THRESHOLDS },
  orientation: 'vertical',
  compact: 'auto',
  apiUrl: '',
  exploreDatasourceUid: '',
  logsDatasourceUid: '',
  logsQuery: '{job="nginx"} |= "$__upstream"',
};

/**
 * Options as saved in a dashboard may be partial, old, or hand-edited: fill the gaps with defaults and
 * replace values that cannot be used (a threshold of "abc", an unknown section) instead of drawing nonsense.
 */
export function normalizeOptions(raw: Partial<DoctorOptions> | undefined | null): DoctorOptions {
  const o = raw ?? {};
  const sections = Array.isArray(o.sections)
    ? o.sections.filter((s): s is Section => (SECTIONS as readonly string[]).includes(s as string))
    : [...DEFAULT_OPTIONS.sections];
  const t: Partial<Thresholds> = o.thresholds ?? {};
  return {
    sections,
    thresholds: {
      rate502: share(t.rate502, DEFAULT_THRESHOLDS.rate502),
      p95Share: share(t.p95Share, DEFAULT_THRESHOLDS.p95Share),
      writingShare: share(t.writingShare, DEFAULT_THRESHOLDS.writingShare),
    },
    orientation: o.orientation === 'horizontal' ? 'horizontal' : 'vertical',
    compact: o.compact === 'on' || o.compact === 'off' ? o.compact : 'auto',
    apiUrl: typeof o.apiUrl === 'string' ? o.apiUrl.trim() : '',
    exploreDatasourceUid: typeof o.exploreDatasourceUid === 'string' ? o.exploreDatasourceUid.trim() : '',
    logsDatasourceUid: typeof o.logsDatasourceUid === 'string' ? o.logsDatasourceUid.trim() : '',
    logsQuery: typeof o.logsQuery === 'string' && o.logsQuery.trim() ? o.logsQuery : DEFAULT_OPTIONS.logsQuery,
  };
}

function share(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= 1 ? n : fallback;
}

/** Below this size a tile shows the verdict and the path only (compact "auto"). */
export const COMPACT_BELOW = { width: 520, height: 300 };

export function isCompact(mode: CompactMode, width: number, height: number): boolean {
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return width < COMPACT_BELOW.width || height < COMPACT_BELOW.height;
}

export function addDoctorOptions(builder: PanelOptionsEditorBuilder<DoctorOptions>): PanelOptionsEditorBuilder<DoctorOptions> {
  const display = ['Display'];
  const thresholds = ['Thresholds'];
  const links = ['Collector and links'];
  return builder
    .addMultiSelect({
      path: 'sections',
      name: 'Show',
      description: 'Which parts of the diagnosis to draw, in this order of importance.',
      category: display,
      defaultValue: DEFAULT_OPTIONS.sections,
      // Grafana types a multi-select's choices with the option's (array) type; each choice is one Section.
      settings: {
        options: SECTIONS.map((s) => ({ value: s, label: SECTION_LABELS[s] })) as unknown as Array<SelectableValue<Section[]>>,
      },
    })
    .addRadio({
      path: 'orientation',
      name: 'Flowchart orientation',
      category: display,
      defaultValue: DEFAULT_OPTIONS.orientation,
      settings: {
        options: [
          { value: 'vertical', label: 'Vertical' },
          { value: 'horizontal', label: 'Horizontal' },
        ],
      },
    })
    .addRadio({
      path: 'compact',
      name: 'Compact mode',
      description: `Verdict and path only, for small tiles. Auto: below ${COMPACT_BELOW.width}×${COMPACT_BELOW.height} px.`,
      category: display,
      defaultValue: DEFAULT_OPTIONS.compact,
      settings: {
        options: [
          { value: 'auto', label: 'Auto' },
          { value: 'on', label: 'On' },
          { value: 'off', label: 'Off' },
        ],
      },
    })
    .addSliderInput({
      path: 'thresholds.rate502',
      name: '502 rate warning',
      description: 'Share of requests answered 502 (0.01 = 1 %).',
      category: thresholds,
      defaultValue: DEFAULT_THRESHOLDS.rate502,
      settings: { min: 0.001, max: 0.2, step: 0.001 },
    })
    .addSliderInput({
      path: 'thresholds.p95Share',
      name: 'P95 share of proxy_read_timeout',
      description: 'Warn when the P95 upstream time passes this share of the timeout (0.8 = 80 %).',
      category: thresholds,
      defaultValue: DEFAULT_THRESHOLDS.p95Share,
      settings: { min: 0.1, max: 1, step: 0.05 },
    })
    .addSliderInput({
      path: 'thresholds.writingShare',
      name: 'Writing share warning',
      description: 'Writing / active client connections (0.9 = 90 %).',
      category: thresholds,
      defaultValue: DEFAULT_THRESHOLDS.writingShare,
      settings: { min: 0.1, max: 1, step: 0.05 },
    })
    .addTextInput({
      path: 'apiUrl',
      name: 'Collector URL',
      description:
        'Base URL of `upstream-doctor watch` (e.g. http://nginx-host:9464). Adds the engine’s evidence and failing requests, and re-runs the diagnosis for a selected window or upstream. Template variables work.',
      category: links,
      defaultValue: DEFAULT_OPTIONS.apiUrl,
      settings: { placeholder: 'http://nginx-host:9464' },
    })
    .addTextInput({
      path: 'exploreDatasourceUid',
      name: 'Explore data source UID',
      description: 'Prometheus data source for the Explore link; empty uses the panel’s own.',
      category: links,
      defaultValue: DEFAULT_OPTIONS.exploreDatasourceUid,
    })
    .addTextInput({
      path: 'logsDatasourceUid',
      name: 'Logs data source UID',
      description: 'Loki data source holding the nginx logs; empty hides the logs link.',
      category: links,
      defaultValue: DEFAULT_OPTIONS.logsDatasourceUid,
    })
    .addTextInput({
      path: 'logsQuery',
      name: 'Logs query',
      description: '$__upstream becomes the selected upstream address (empty when none is selected).',
      category: links,
      defaultValue: DEFAULT_OPTIONS.logsQuery,
      showIf: (o) => Boolean(o.logsDatasourceUid),
    });
}
