// The committed dashboards and Grafana provisioning, read back as Grafana would: schema version of Grafana
// 13, core panel types or our plugin, every data source reference resolving to a provisioned one, every
// variable an expression uses defined, links landing on dashboards that exist, the plugin's options valid
// for its own normaliser, and the alerting files pointing at things that exist.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalizeOptions } from '../../../src/options';
import { roleOfRefId } from '../../../src/model/frames';
import { THRESHOLDS } from '../../diagnose/thresholds';
import { repoRoot } from '../write';
import { DASHBOARDS_PATH, FOLDER, PANEL_PLUGIN_ID } from './ids';
import { SCHEMA_VERSION } from './panels';
import { allPanels, dashboardExprs, variableQueries, type Json } from '../../testing/grafanaWalk';

const root = repoRoot(__dirname);
const readYaml = (p: string) => parse(readFileSync(join(root, p), 'utf8')) as Json;
const dashboards: Json[] = readdirSync(join(root, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'dashboards', f), 'utf8')) as Json);
const dashboardUids = new Set(dashboards.map((d) => String(d.uid)));

/** Data sources provisioned by provisioning/datasources/*.yaml, plus Grafana's built-in ones. */
const provisioned = new Set(
  readdirSync(join(root, 'provisioning', 'datasources')).flatMap((f) =>
    ((readYaml(`provisioning/datasources/${f}`).datasources as Json[]) ?? []).map((d) => String(d.uid)),
  ),
);
const BUILT_IN_DATASOURCES = new Set(['-- Grafana --', '__expr__']);

/** Panel types that ship with Grafana 13 (no plugin install needed). */
const CORE_PANELS = new Set([
  'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text', 'piechart', 'barchart', 'histogram',
  'state-timeline', 'status-history', 'logs', 'nodeGraph', 'traces', 'flamegraph', 'geomap', 'canvas', 'news',
  'dashlist', 'alertlist', 'annolist', 'candlestick', 'xychart', 'trend', 'datagrid', 'row',
]);
const pluginId = (JSON.parse(readFileSync(join(root, 'src', 'plugin.json'), 'utf8')) as { id: string }).id;

/** Every `{uid}` under a `datasource` key anywhere in the JSON. */
function datasourceUids(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((x) => datasourceUids(x, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'datasource' && v && typeof v === 'object' && 'uid' in v) out.push(String((v as Json).uid));
      else datasourceUids(v, out);
    }
  }
  return out;
}

it('the bundle holds the NOC and the drill-down dashboards', () => {
  expect([...dashboardUids].sort()).toEqual(['upstream-doctor-noc', 'upstream-doctor-upstream']);
  expect(pluginId).toBe(PANEL_PLUGIN_ID);
});

describe.each(dashboards.map((d) => [String(d.uid), d] as const))('dashboard %s', (_uid, d) => {
  const panels = allPanels(d);
  const variables = ((d.templating as Json).list as Json[]).map((v) => String(v.name));

  it(`is Grafana 13 dashboard JSON (schemaVersion ${SCHEMA_VERSION}) with a title and tags`, () => {
    expect(d.schemaVersion).toBe(SCHEMA_VERSION);
    expect(String(d.title)).toMatch(/^Upstream Doctor/);
    expect(d.tags).toContain('upstream-doctor');
  });

  it('uses only core panel types and the Upstream Doctor panel', () => {
    for (const p of panels) expect(CORE_PANELS.has(String(p.type)) || p.type === pluginId).toBe(true);
  });

  it('lays panels out on the 24-column grid with unique ids', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      const g = p.gridPos as { x: number; y: number; w: number; h: number };
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      expect(g.w).toBeGreaterThan(0);
      expect(g.h).toBeGreaterThan(0);
    }
  });

  it('refers only to the provisioned data source', () => {
    const uids = datasourceUids(d);
    expect(uids.length).toBeGreaterThan(panels.length);
    for (const uid of uids) expect(provisioned.has(uid) || BUILT_IN_DATASOURCES.has(uid)).toBe(true);
  });

  it('uses only variables it defines (or Grafana built-ins) in queries', () => {
    const builtIn = ['__rate_interval', '__range', '__interval'];
    const exprs = [...dashboardExprs(d).map((s) => s.expr), ...variableQueries(d).map((v) => v.selector)];
    for (const e of exprs) for (const m of e.matchAll(/\$\{?(\w+)/g)) expect([...variables, ...builtIn]).toContain(m[1]);
    expect(variables).toEqual(expect.arrayContaining(['host', 'upstream']));
  });

  it('links to dashboards of the bundle, carrying variables and time range', () => {
    const links = d.links as Json[];
    expect(links.length).toBeGreaterThan(0);
    const urls = [...links.map((l) => String(l.url)), ...JSON.stringify(d.panels).matchAll(/"url":"(\/d\/[^"]+)"/g)].map((u) => (Array.isArray(u) ? u[1] : u));
    for (const u of urls) {
      const uid = /^\/d\/([^/?]+)/.exec(u)?.[1];
      expect(dashboardUids).toContain(uid);
    }
    for (const l of links) expect(l).toMatchObject({ includeVars: true, keepTime: true });
  });

  it('configures the Upstream Doctor panel with valid options, the shared thresholds and queries it recognises', () => {
    const doctor = panels.filter((p) => p.type === pluginId);
    expect(doctor).toHaveLength(1);
    const options = doctor[0].options as Json;
    const normal = normalizeOptions(options as never) as unknown as Json;
    for (const key of Object.keys(options)) expect({ key, value: normal[key] }).toEqual({ key, value: options[key] });
    expect(options.thresholds).toEqual({ rate502: THRESHOLDS.rate502, p95Share: THRESHOLDS.p95ReadTimeoutRatio, writingShare: THRESHOLDS.writingShare });
    for (const t of doctor[0].targets as Json[]) expect(roleOfRefId(String(t.refId))).not.toBeNull();
  });
});

it('the NOC shows the four signals, the connect-time distribution, the flowchart panel and the cause per upstream', () => {
  const noc = dashboards.find((d) => d.uid === 'upstream-doctor-noc')!;
  const exprOf = (title: RegExp) =>
    allPanels(noc)
      .filter((p) => title.test(String(p.title)))
      .flatMap((p) => (p.targets as Json[]).map((t) => String(t.expr)));
  expect(exprOf(/^502 rate/).join()).toContain('status="502"');
  expect(exprOf(/^Writing share/).join()).toContain('upstream_doctor_nginx_writing_share');
  expect(exprOf(/P95.*proxy_read_timeout/).join()).toContain('upstream_doctor_proxy_read_timeout_seconds');
  expect(allPanels(noc).find((p) => p.type === 'heatmap')?.targets).toEqual([expect.objectContaining({ expr: expect.stringContaining('upstream_doctor_upstream_connect_seconds_bucket') })]);
  expect(exprOf(/Likely cause per upstream/).join()).toContain('upstream_doctor_likely_cause');
  for (const p of allPanels(noc).filter((x) => x.type === 'stat')) expect(((p.options as Json).text as Json).valueSize).toBeGreaterThanOrEqual(48);
});

describe('Grafana provisioning', () => {
  const rules = readYaml('provisioning/alerting/upstream-doctor-rules.yaml');
  const contactPoints = readYaml('provisioning/alerting/upstream-doctor-contact-points.yaml');
  const policies = readYaml('provisioning/alerting/upstream-doctor-policies.yaml');

  it('alert rules query the provisioned data source and link to an existing dashboard panel', () => {
    const group = (rules.groups as Json[])[0];
    expect(group.folder).toBe(FOLDER);
    for (const r of group.rules as Json[]) {
      const data = r.data as Json[];
      for (const q of data) expect(provisioned.has(String(q.datasourceUid)) || q.datasourceUid === '__expr__').toBe(true);
      expect(data.map((q) => q.refId)).toContain(r.condition);
      const dash = dashboards.find((d) => d.uid === r.dashboardUid);
      expect(dash).toBeDefined();
      expect(allPanels(dash!).map((p) => p.id)).toContain(r.panelId);
    }
  });

  it('notification policies route only to provisioned contact points, whose secrets come from the environment', () => {
    const names = new Set((contactPoints.contactPoints as Json[]).map((c) => String(c.name)));
    const receivers: string[] = [];
    const walk = (p: Json) => {
      receivers.push(String(p.receiver));
      for (const r of (p.routes as Json[] | undefined) ?? []) walk(r);
    };
    walk((policies.policies as Json[])[0]);
    for (const r of receivers) expect(names).toContain(r);
    const secretKeys = /^(integrationKey|apiKey|url|authorization_credentials|password|token)$/;
    for (const c of contactPoints.contactPoints as Json[]) {
      for (const rec of c.receivers as Json[]) {
        for (const [k, v] of Object.entries(rec.settings as Json)) if (secretKeys.test(k) && k !== 'apiUrl') expect(String(v)).toMatch(/^\$\{[A-Z0-9_]+\}$/);
      }
    }
  });

  it('the dashboard provider loads the dashboards into the Upstream Doctor folder', () => {
    const providers = readYaml('provisioning/dashboards/upstream-doctor.yaml').providers as Json[];
    expect(providers[0]).toMatchObject({ type: 'file', folder: FOLDER, options: { path: DASHBOARDS_PATH } });
  });
});
