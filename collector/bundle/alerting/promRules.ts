// The Prometheus rule file (recording and alerting rules) rendered from rules.ts.
import { ALERTS, RECORDINGS, alertExpr, type AlertDef } from './rules';
import { toPrometheus, type Text } from './text';

export const RUNBOOK_BASE = 'docs/runbooks.md';

export interface RenderOptions {
  /** `for` of each alert; tests pass a scaled-down one. */
  forOf?: (a: AlertDef) => string;
  /** Where docs/runbooks.md is served; the committed files use the repository path. */
  runbookBase?: string;
}

export interface PromAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PromRecordingRule {
  record: string;
  expr: string;
}

export interface PromRuleFile {
  groups: Array<{ name: string; rules: Array<PromAlertRule | PromRecordingRule> }>;
}

/** The annotations every alert carries, as texts: summary, description, runbook and runbook_url. */
export function annotationTexts(a: AlertDef, runbookBase = RUNBOOK_BASE): Record<string, Text> {
  const url: Text =
    a.runbookAnchor === 'cause'
      ? [{ kind: 'text', text: `${runbookBase}#` }, { kind: 'label', name: 'cause' }]
      : [{ kind: 'text', text: `${runbookBase}#${a.runbookAnchor}` }];
  return { summary: a.summary, description: a.description, runbook: a.runbook, runbook_url: url };
}

export function alertLabels(a: AlertDef): Record<string, string> {
  return { severity: a.severity, team: a.team };
}

export function prometheusRules(opts: RenderOptions = {}): PromRuleFile {
  const forOf = opts.forOf ?? ((a: AlertDef) => a.for);
  return {
    groups: [
      {
        name: 'upstream-doctor.recording',
        rules: RECORDINGS.map((r) => ({ record: r.record, expr: r.expr })),
      },
      {
        name: 'upstream-doctor.alerts',
        rules: ALERTS.map((a) => ({
          alert: a.name,
          expr: alertExpr(a),
          for: forOf(a),
          labels: alertLabels(a),
          annotations: Object.fromEntries(Object.entries(annotationTexts(a, opts.runbookBase)).map(([k, v]) => [k, toPrometheus(v)])),
        })),
      },
    ],
  };
}
