// The Upstream Doctor panel (src/, plugin id upstream-doctor-panel) as a dashboard panel: its queries
// named by the refIds the panel reads (src/README.md), its thresholds from diagnose/thresholds.ts.
import { THRESHOLDS } from '../../diagnose/thresholds';
import { DATASOURCE, DATASOURCE_UID, PANEL_PLUGIN_ID } from './ids';
import { target, type Grid, type Json } from './panels';
import { Q } from './queries';

export interface DoctorPanelArgs {
  id: number;
  title: string;
  grid: Grid;
  /** Label filter of per-upstream series and of per-host series. */
  sel: string;
  hostSel: string;
  /** The collector's base URL (a dashboard variable) for the engine's evidence; '' for metrics only. */
  apiUrl: string;
}

export function doctorPanel(a: DoctorPanelArgs): Json {
  const queries = [
    { refId: 'rate_502', expr: Q.ratio502(a.sel, 'upstream') },
    { refId: 'writing_share', expr: Q.writingShare(a.hostSel, '') },
    { refId: 'p95', expr: Q.p(0.95, a.sel, 'upstream') },
    { refId: 'read_timeout', expr: Q.readTimeout(a.sel, 'upstream') },
    { refId: 'connect', expr: Q.connectInRange(a.sel, 'upstream'), instant: true },
    { refId: 'likely_cause', expr: Q.likelyCause(a.sel, 'upstream, cause') },
    { refId: 'cause_score', expr: Q.causeScore(a.sel, 'upstream, cause') },
    { refId: 'requests', expr: Q.requestsInRange(a.sel, 'upstream'), instant: true },
  ];
  return {
    id: a.id,
    type: PANEL_PLUGIN_ID,
    title: a.title,
    gridPos: { ...a.grid },
    datasource: { ...DATASOURCE },
    targets: queries.map((q) => target({ ...q, legend: '__auto' })),
    fieldConfig: { defaults: {}, overrides: [] },
    options: {
      sections: ['flowchart', 'rate_502', 'writing_share', 'p95', 'connect', 'upstreams', 'examples'],
      thresholds: { rate502: THRESHOLDS.rate502, p95Share: THRESHOLDS.p95ReadTimeoutRatio, writingShare: THRESHOLDS.writingShare },
      orientation: 'vertical',
      compact: 'auto',
      apiUrl: a.apiUrl,
      exploreDatasourceUid: DATASOURCE_UID,
    },
  };
}
