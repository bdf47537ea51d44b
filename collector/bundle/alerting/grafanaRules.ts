// The same alert rules as Grafana-managed rules (Grafana file provisioning, apiVersion 1): query A is the
// rule's value, B the threshold Grafana compares it with. Rendered from rules.ts like the Prometheus file.
import { DATASOURCE, DRILLDOWN_DOCTOR_PANEL_ID, DRILLDOWN_UID, FOLDER } from '../grafana/ids';
import { annotationTexts, alertLabels, type RenderOptions } from './promRules';
import { ALERTS, type AlertDef } from './rules';
import { toGrafana } from './text';

export const GRAFANA_RULE_GROUP = 'upstream-doctor';
export const GRAFANA_RULE_INTERVAL = '1m';

export interface GrafanaQuery {
  refId: string;
  relativeTimeRange: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  data: GrafanaQuery[];
  dashboardUid: string;
  panelId: number;
  noDataState: string;
  execErrState: string;
  for: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  isPaused: boolean;
}

export interface GrafanaRuleFile {
  apiVersion: 1;
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: GrafanaRule[] }>;
}

function rule(a: AlertDef, forDur: string, runbookBase?: string): GrafanaRule {
  return {
    uid: a.uid,
    title: a.name,
    condition: 'B',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: DATASOURCE.uid,
        model: {
          refId: 'A',
          datasource: { ...DATASOURCE },
          expr: a.value,
          instant: true,
          range: false,
          editorMode: 'code',
          intervalMs: 1000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'B',
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          datasource: { type: '__expr__', uid: '__expr__' },
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: a.op === '>' ? 'gt' : 'lt', params: [a.threshold] } }],
        },
      },
    ],
    dashboardUid: DRILLDOWN_UID,
    panelId: DRILLDOWN_DOCTOR_PANEL_ID,
    noDataState: a.noData,
    execErrState: 'Error',
    for: forDur,
    annotations: Object.fromEntries(Object.entries(annotationTexts(a, runbookBase)).map(([k, v]) => [k, toGrafana(v)])),
    labels: alertLabels(a),
    isPaused: false,
  };
}

export function grafanaRules(opts: RenderOptions = {}): GrafanaRuleFile {
  const forOf = opts.forOf ?? ((a: AlertDef) => a.for);
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: GRAFANA_RULE_GROUP,
        folder: FOLDER,
        interval: GRAFANA_RULE_INTERVAL,
        rules: ALERTS.map((a) => rule(a, forOf(a), opts.runbookBase)),
      },
    ],
  };
}
