// The rule source itself: thresholds from diagnose/thresholds.ts, every alert labelled and annotated for
// on-call, covered by promtool cases both ways, linked to a runbook section that exists; and the text
// renderers that turn one annotation into Prometheus, Grafana and expected strings.
import { CAUSES, CAUSE_IDS } from '../../diagnose/causes';
import { THRESHOLDS } from '../../diagnose/thresholds';
import { grafanaRules } from './grafanaRules';
import { annotationTexts, prometheusRules } from './promRules';
import { ALERT_CASES } from './promtoolCases';
import { ALERTS, BACKEND_DOWN_CAUSES, durationSeconds, scaledFor } from './rules';
import { anchorOf, runbooksMarkdown } from './runbooks';
import { goG4, label, optLabel, renderExpected, t, toGrafana, toPrometheus, value } from './text';

const byName = (n: string) => ALERTS.find((a) => a.name === n)!;

describe('thresholds and durations come from diagnose/thresholds.ts', () => {
  it.each([
    ['UpstreamHigh502Rate', THRESHOLDS.rate502],
    ['UpstreamP95NearReadTimeout', THRESHOLDS.p95ReadTimeoutRatio],
    ['NginxWritingShareHigh', THRESHOLDS.writingShare],
    ['UpstreamResetsByPeer', THRESHOLDS.resetsPerSecond],
  ])('%s warns above %s, sustained', (name, threshold) => {
    expect(byName(name).threshold).toBe(threshold);
    expect(byName(name).op).toBe('>');
    expect(byName(name).for).toBe(THRESHOLDS.sustainedFor);
  });
});

describe('every alert', () => {
  it('has a unique name and a valid, unique Grafana uid', () => {
    expect(new Set(ALERTS.map((a) => a.name)).size).toBe(ALERTS.length);
    expect(new Set(ALERTS.map((a) => a.uid)).size).toBe(ALERTS.length);
    for (const a of ALERTS) expect(a.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  it.each(ALERTS.map((a) => [a.name, a] as const))('%s carries severity, team, summary, description, runbook and runbook_url', (_n, a) => {
    expect(['critical', 'warning']).toContain(a.severity);
    expect(['edge', 'backend']).toContain(a.team);
    const texts = annotationTexts(a);
    expect(Object.keys(texts).sort()).toEqual(['description', 'runbook', 'runbook_url', 'summary']);
    for (const text of Object.values(texts)) expect(toPrometheus(text).length).toBeGreaterThan(10);
    // The likely cause is in the description: by name for signal alerts, from the label for verdict alerts.
    const description = toPrometheus(a.description);
    if (a.runbookAnchor === 'cause') expect(description).toContain('.Labels.cause');
    for (const id of a.causes) expect(description).toContain(CAUSES[id].label);
  });

  it.each(ALERTS.map((a) => [a.name] as const))('%s has a promtool case that fires and one that stays quiet', (name) => {
    const cases = ALERT_CASES.filter((c) => c.alert === name);
    expect(cases.some((c) => c.expect.length > 0)).toBe(true);
    expect(cases.some((c) => c.expect.length === 0)).toBe(true);
  });

  it('links to a runbook section that exists (alert sections and one per cause)', () => {
    const headings = new Set(
      runbooksMarkdown()
        .split('\n')
        .filter((l) => l.startsWith('### '))
        .map((l) => anchorOf(l.slice(4))),
    );
    for (const a of ALERTS) {
      if (a.runbookAnchor === 'cause') for (const id of a.causes) expect(headings).toContain(id);
      else expect(headings).toContain(a.runbookAnchor);
    }
    for (const id of CAUSE_IDS) expect(headings).toContain(id);
  });

  it('renders for Grafana without a `$` (provisioning would expand it) and with the same labels', () => {
    const g = grafanaRules().groups[0].rules;
    const p = prometheusRules().groups[1].rules as Array<{ alert: string; labels: Record<string, string> }>;
    expect(g.map((r) => r.title)).toEqual(p.map((r) => r.alert));
    g.forEach((r, i) => expect(r.labels).toEqual(p[i].labels));
    for (const r of g) for (const v of Object.values(r.annotations)) expect(v).not.toContain('$');
  });
});

it('the backend-down page covers crash, OOM kill and unreachable, and pages', () => {
  expect([...BACKEND_DOWN_CAUSES].sort()).toEqual(['backend_crash', 'oom_kill', 'upstream_unreachable']);
  expect(byName('UpstreamBackendDown')).toMatchObject({ severity: 'critical', causes: BACKEND_DOWN_CAUSES });
});

describe('scaled durations for tests', () => {
  it('divides and rounds up, keeps 0, and keeps the order of the production durations', () => {
    expect(scaledFor('5m', 12)).toBe('25s');
    expect(scaledFor('1m', 12)).toBe('5s');
    expect(scaledFor('0s', 12)).toBe('0s');
    expect(scaledFor('1s', 12)).toBe('1s');
    const prod = ALERTS.map((a) => durationSeconds(a.for));
    const test = ALERTS.map((a) => durationSeconds(scaledFor(a.for, 12)));
    for (let i = 0; i < prod.length; i++) for (let j = 0; j < prod.length; j++) if (prod[i] < prod[j]) expect(test[i]).toBeLessThan(test[j]);
  });

  it('refuses durations it cannot read', () => {
    expect(() => durationSeconds('5 minutes')).toThrow(/duration/);
  });
});

describe('annotation texts', () => {
  const text = t`${value('percent')} on ${label('upstream')}${optLabel('host', ' (', ')')}`;

  it('render as Prometheus and Grafana templates', () => {
    expect(toPrometheus(text)).toBe('{{ .Value | humanizePercentage }} on {{ .Labels.upstream }}{{ with .Labels.host }} ({{ . }}){{ end }}');
    expect(toGrafana(text)).toBe('{{ humanizePercentage .Values.A.Value }} on {{ .Labels.upstream }}{{ with .Labels.host }} ({{ . }}){{ end }}');
  });

  it('render the string Prometheus prints, optional labels left out when missing', () => {
    expect(renderExpected(text, { labels: { upstream: 'a:1', host: 'h' }, value: 0.05 })).toBe('5% on a:1 (h)');
    expect(renderExpected(text, { labels: { upstream: 'a:1' }, value: 0.975 })).toBe('97.5% on a:1');
  });

  it('formats like Go %.4g in the plain range and refuses the exponent range', () => {
    expect(goG4(5.000000000000001)).toBe('5');
    expect(goG4(97.49999999999999)).toBe('97.5');
    expect(goG4(0.012345)).toBe('0.01235');
    expect(() => goG4(123456)).toThrow(/exponent/);
  });

  it('refuses text that would open a template action, and `$` for Grafana', () => {
    expect(() => toPrometheus(t`{{ oops`)).toThrow(/\{\{/);
    expect(() => toGrafana(t`costs $5`)).toThrow(/\$/);
  });
});
