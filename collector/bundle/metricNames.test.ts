// Every metric the bundle names — in rules, Grafana rules, dashboards, promtool tests, runbooks and the
// example configs — is one the collector exports (metrics/catalogue.ts) or a recording rule defined in
// rules.ts, and every label a selector filters on is one that metric carries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDINGS } from './alerting/rules';
import { METRICS, allMetricNames, type MetricDef } from '../metrics/catalogue';
import { BUNDLE_FILES } from './files';
import { repoRoot } from './write';

const root = repoRoot(__dirname);
const EXAMPLES = ['alerts/prometheus.example.yml', 'alerts/fleet/federation.example.yml', 'alerts/fleet/remote-write.example.yml'];
/** Labels every series can carry besides its own: the collector's `labels:` and Prometheus's target labels. */
const ADDED = ['cluster', 'host', 'job', 'instance'];

const texts = [
  ...BUNDLE_FILES.map((f) => ({ where: f.path, text: f.render() })),
  ...EXAMPLES.map((p) => ({ where: p, text: readFileSync(join(root, p), 'utf8') })),
];
const recordings = new Set(RECORDINGS.map((r) => r.record));
const exported = new Set(allMetricNames());

function defOf(series: string): MetricDef | undefined {
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return (Object.values(METRICS) as MetricDef[]).find((m) => m.name === series || (m.type === 'histogram' && m.name === base));
}

describe.each(texts)('$where', ({ text }) => {
  const recorded = text.match(/host_upstream:[a-z0-9_]+:[a-z0-9_]+/g) ?? [];
  const withoutRecordings = text.replace(/host_upstream:[a-z0-9_]+:[a-z0-9_]+/g, '');

  it('names only exported metrics and defined recording rules', () => {
    for (const r of recorded) expect(recordings).toContain(r);
    const names = withoutRecordings.match(/\bupstream_doctor_[a-z0-9_]+/g) ?? [];
    for (const n of names) expect({ name: n, exported: exported.has(n) }).toEqual({ name: n, exported: true });
  });

  it('filters each metric only on labels it has', () => {
    for (const m of withoutRecordings.matchAll(/\b(upstream_doctor_[a-z0-9_]+)\{([^}]*)\}/g)) {
      const def = defOf(m[1]);
      expect(def).toBeDefined();
      const allowed = new Set([...def!.labels, ...ADDED, ...(m[1].endsWith('_bucket') ? ['le'] : [])]);
      for (const l of m[2].matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) expect({ metric: m[1], label: l[1], known: allowed.has(l[1]) }).toEqual({ metric: m[1], label: l[1], known: true });
    }
  });
});

it('the scan is not vacuous: the rule file names most of the catalogue', () => {
  const rules = texts.find((t) => t.where === 'alerts/upstream-doctor.rules.yml')!.text;
  const used = new Set(rules.match(/\bupstream_doctor_[a-z0-9_]+/g));
  expect(used.size).toBeGreaterThanOrEqual(10);
});
