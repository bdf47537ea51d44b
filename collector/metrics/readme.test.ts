// The README documents every metric: its table must list exactly what collector/metrics/catalogue.ts exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, type MetricDef } from './catalogue';

it('README lists every exported metric with its type and labels, and nothing else', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const table = readme.split('<!-- metrics-table')[1].split('<!-- /metrics-table -->')[0];
  const rows = table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()));
  const documented = new Map(rows.map((r) => [r[1].replace(/`/g, ''), { type: r[2], labels: r[3] }]));
  const defs = Object.values(METRICS) as MetricDef[];
  expect([...documented.keys()].sort()).toEqual(defs.map((m) => m.name).sort());
  for (const m of defs) {
    expect(documented.get(m.name)!.type).toBe(m.type);
    expect(documented.get(m.name)!.labels).toBe(m.labels.length ? m.labels.map((l) => `\`${l}\``).join(', ') : '–');
  }
});
