// The dashboard the Grafana e2e specs open (tests/provisioning/dashboards/upstream-doctor-e2e.json) cannot
// be run here without Grafana, but what its TestData queries return can: each `raw_frame` content goes
// through @grafana/data's toDataFrame, as TestData does, and then through the panel's transform. So the
// specs' expectations are checked against the panel's real code on every `npm test`.
import { toDataFrame, type DataFrame } from '@grafana/data';
import fs from 'fs';
import path from 'path';
import { fromFrames } from './model/fromFrames';
import { isCompact, normalizeOptions } from './options';

const FILE = path.resolve(__dirname, '..', 'tests', 'provisioning', 'dashboards', 'upstream-doctor-e2e.json');
const dashboard = JSON.parse(fs.readFileSync(FILE, 'utf8'));
const panel = (title: string) => dashboard.panels.find((p: { title: string }) => p.title === title);

function framesOf(p: { targets: Array<{ refId: string; scenarioId: string; rawFrameContent?: string }> }): DataFrame[] {
  return p.targets.flatMap((t) =>
    t.scenarioId === 'raw_frame'
      ? (JSON.parse(t.rawFrameContent ?? '[]') as unknown[]).map((f) => ({ ...toDataFrame(f), refId: t.refId }))
      : [],
  );
}

const range = { from: Date.parse(dashboard.time.from), to: Date.parse(dashboard.time.to) };

describe('the e2e dashboard', () => {
  it('uses this plugin and options the panel accepts as they are', () => {
    for (const p of dashboard.panels) {
      expect(p.type).toBe('upstream-doctor-panel');
      expect(normalizeOptions(p.options)).toEqual(p.options);
    }
  });

  it('“Keepalive race”: the verdict, path and reuse share the spec expects', () => {
    const m = fromFrames(framesOf(panel('Keepalive race (TestData)')), { upstream: null, range, intervalMs: null });
    expect(m.verdict?.cause).toBe('keepalive_idle_race');
    expect(m.path.join(',')).toBe('A,B,D,E');
    expect(m.series.connect?.reuseShare).toBeCloseTo(35 / 39);
    expect(m.stats.rate502).toBeGreaterThan(0.01);
    const t = Date.UTC(2026, 10, 20, 23, 34, 20);
    expect(m.series.rate502[0].points.map((p) => p.t)).toContain(t);
    expect(m.series.stepMs).toBe(10_000);
  });

  it('“No data”: nothing the panel can read', () => {
    expect(framesOf(panel('No data (TestData)'))).toEqual([]);
    expect(fromFrames([], { upstream: null, range, intervalMs: null }).state).toBe('empty');
  });

  it('“Compact tile”: small enough for compact mode at a 1920 px wide dashboard', () => {
    const p = panel('Compact tile (TestData)');
    // A grid unit is 1/24 of the width and 30 px high (plus margins).
    expect(isCompact(p.options.compact, (1920 / 24) * p.gridPos.w, 30 * p.gridPos.h)).toBe(true);
    expect(fromFrames(framesOf(p), { upstream: null, range, intervalMs: null }).path.join(',')).toBe('A,B,D,E');
  });
});
