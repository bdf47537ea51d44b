import { CAUSES } from '../../collector/diagnose/causes';
import { UNEXPLAINED_LEAF, leafOf, pathTo } from '../../collector/diagnose/tree';
import { buildDiagnosis, type Diagnosis, type DiagnosisSources } from '../../collector/report/diagnosis';
import { sampleSources } from '../testing/samples';
import { fromDiagnosis } from './fromDiagnosis';

describe('fromDiagnosis on the real engine output', () => {
  let d: Diagnosis;
  let sources: DiagnosisSources;
  beforeAll(async () => {
    sources = await sampleSources('keepalive_idle_race');
    d = buildDiagnosis(sources);
  });

  it('carries the verdict, its evidence, its fix and the path the engine walked', () => {
    const m = fromDiagnosis(d);
    expect(m.state).toBe('ready');
    expect(m.verdict?.cause).toBe('keepalive_idle_race');
    expect(m.verdict?.label).toBe(CAUSES.keepalive_idle_race.label);
    expect(m.verdict?.evidence).toEqual(d.causes[0].evidence);
    expect(m.verdict?.fix).toEqual(CAUSES.keepalive_idle_race.fix);
    expect(m.verdict?.score).toBe(d.causes[0].score);
    expect(m.verdict?.upstream).toBe(d.upstream);
    expect(m.verdict?.status).toBe('named');
    expect(m.verdict?.failures).toBe(d.failures);
    expect(m.path).toEqual(pathTo(leafOf('keepalive_idle_race')));
    expect(m.others.map((o) => o.id)).toEqual(d.causes.slice(1).map((c) => c.id));
  });

  it('carries since when the incident runs, which can be before the window diagnosed', () => {
    const m = fromDiagnosis(d);
    expect(d.incident).not.toBeNull();
    expect(m.verdict?.incident).toEqual({ since: Date.parse(d.incident!.since), last: Date.parse(d.incident!.last), failures: d.incident!.failures });
    const late = buildDiagnosis(sources, { from: Date.parse(d.incident!.last) - 5000, to: Date.parse(d.incident!.last) });
    expect(Date.parse(late.incident!.since)).toBeLessThan(Date.parse(late.series.from));
    expect(fromDiagnosis(late).verdict?.incident?.since).toBe(Date.parse(d.incident!.since));
  });

  it('turns the per-window points into chart lines in time order', () => {
    const m = fromDiagnosis(d);
    const pts = m.series.rate502[0].points;
    expect(pts).toHaveLength(d.series.points.length);
    expect(pts.map((p) => p.t)).toEqual(d.series.points.map((p) => Date.parse(p.t)));
    expect(pts.map((p) => p.v)).toEqual(d.series.points.map((p) => p.rate_502));
    expect(m.series.stepMs).toBe(d.series.window_s * 1000);
    expect(m.series.readTimeoutS).toBe(d.series.proxy_read_timeout_s);
  });

  it('keeps the connect-time buckets per bucket, with +Inf as null and the reused share', () => {
    const c = fromDiagnosis(d).series.connect!;
    expect(c.buckets[0]).toEqual({ le: 0, count: d.series.connect_time_buckets[0].count });
    expect(c.buckets[c.buckets.length - 1].le).toBeNull();
    expect(c.total).toBe(d.series.connect_time_buckets.reduce((a, b) => a + b.count, 0));
    expect(c.reuseShare).toBe(d.series.connect_reuse_share);
  });

  it('maps upstream rows and failing examples', () => {
    const m = fromDiagnosis(d);
    expect(m.series.upstreams.map((u) => u.upstream)).toEqual(d.series.upstreams.map((u) => u.upstream));
    expect(m.series.upstreams[0].cause).toBe(d.series.upstreams[0].likely_cause);
    expect(m.examples.requests.length).toBe(d.examples.requests.length);
    expect(m.examples.requests[0].request).toBe(d.examples.requests[0].request);
    expect(m.examples.requests[0].connectS).toBe(0);
    expect(m.examples.errors[0].cls).toBe(d.examples.errors[0].cls);
  });

  it('says "empty" for a window with no requests, naming the upstream when narrowed', async () => {
    const src = await sampleSources('keepalive_idle_race');
    const none = buildDiagnosis(src, { from: 0, to: 1000 });
    const m = fromDiagnosis(none, '127.0.0.1:1');
    expect(m.state).toBe('empty');
    expect(m.message).toContain('127.0.0.1:1');
  });
});

describe('fromDiagnosis edge cases', () => {
  const base = (over: Partial<Diagnosis>): Diagnosis =>
    ({
      likely_cause: 'healthy',
      summary: 'No cause named with confidence: 9 upstream failures that match no known pattern',
      causes: [{ id: 'healthy', label: 'Healthy', score: 0.6, evidence: ['9 failed'], window: { from: '', to: '' }, upstream: '', fix: [] }],
      flowchart_path: pathTo(UNEXPLAINED_LEAF),
      upstream: '',
      window: { from: '', to: '' },
      examples: { requests: [], errors: [] },
      series: { requests: 10, points: [], upstreams: [], connect_time_buckets: [] },
      parse_errors: 0,
      ...over,
    }) as unknown as Diagnosis;

  it('names unexplained failures as such (the walk ends at H) and offers no healthy fix', () => {
    const m = fromDiagnosis(base({ status: 'unexplained', failures: 9 }));
    expect(m.verdict?.status).toBe('unexplained');
    expect(m.verdict?.failures).toBe(9);
    expect(m.verdict?.label).toBe('Unexplained upstream failures');
    expect(m.verdict?.fix).toEqual([]);
    expect(m.verdict?.headline).toContain('match no known pattern');
    expect(m.path[m.path.length - 1]).toBe(UNEXPLAINED_LEAF);
  });

  it('reads an older collector without status: a named cause is named, healthy is healthy unless the walk ended at H', () => {
    expect(fromDiagnosis(base({})).verdict?.status).toBe('unexplained');
    const healthy = fromDiagnosis(base({ flowchart_path: pathTo(leafOf('healthy')) }));
    expect(healthy.verdict?.status).toBe('healthy');
    expect(healthy.verdict?.label).toBe('Healthy');
    const named = fromDiagnosis(
      base({
        likely_cause: 'backend_crash',
        causes: [{ id: 'backend_crash', label: 'Backend crash / restart', score: 0.9, evidence: [], window: { from: '', to: '' }, upstream: 'b:80', fix: [] }],
        flowchart_path: pathTo(leafOf('backend_crash')),
      }),
    );
    expect(named.verdict).toEqual(expect.objectContaining({ status: 'named', failures: null, incident: null, label: 'Backend crash / restart' }));
  });

  it('shows a verdict still collecting evidence with its leading candidate, never as healthy', () => {
    const m = fromDiagnosis(
      base({
        likely_cause: 'keepalive_idle_race',
        status: 'collecting',
        failures: 3,
        summary: 'Collecting evidence: 3 upstream failures so far — so far it looks most like keepalive idle-timeout race on b:80 (score 0.31)',
        causes: [
          { id: 'keepalive_idle_race', label: 'Keepalive idle-timeout race', score: 0.31, evidence: ['2 of 3 failures on reused connections'], window: { from: '', to: '' }, upstream: 'b:80', fix: ['align'] },
          { id: 'healthy', label: 'Healthy', score: 0.69, evidence: [], window: { from: '', to: '' }, upstream: '', fix: [] },
        ],
        flowchart_path: pathTo(leafOf('keepalive_idle_race')),
        incident: { since: '2026-11-20T23:34:10.000Z', last: '2026-11-20T23:34:40.000Z', failures: 3 },
      }),
    );
    expect(m.verdict).toEqual(
      expect.objectContaining({ status: 'collecting', cause: 'keepalive_idle_race', label: 'Keepalive idle-timeout race', score: 0.31, failures: 3 }),
    );
    expect(m.verdict?.incident?.since).toBe(Date.UTC(2026, 10, 20, 23, 34, 10));
    expect(m.verdict?.headline).toMatch(/^Collecting evidence: 3 upstream failures so far/);
  });

  it('a verdict collecting evidence without a candidate yet (real engine output) is not called healthy and offers no fix', async () => {
    const src = await sampleSources('keepalive_idle_race', 1000);
    const whole = buildDiagnosis(src);
    const from = Date.parse(whole.series.from);
    const early = whole.series.points
      .map((p) => buildDiagnosis(src, { from, to: Date.parse(p.t) + 1000 }))
      .find((x) => x.status === 'collecting');
    expect(early).toBeDefined();
    expect(early!.likely_cause).toBe('healthy');
    const m = fromDiagnosis(early!);
    expect(m.verdict?.status).toBe('collecting');
    expect(m.verdict?.label).not.toMatch(/healthy/i);
    expect(m.verdict?.fix).toEqual([]);
    expect(m.verdict?.failures).toBe(early!.failures);
  });

  it('drops an incident it cannot read rather than drawing a wrong "since"', () => {
    for (const incident of [{ since: 'soon', last: '2026-11-20T23:34:40.000Z', failures: 1 }, { since: '2026-11-20T23:34:40.000Z', last: '2026-11-20T23:34:00.000Z', failures: 1 }, 7]) {
      expect(fromDiagnosis(base({ status: 'unexplained', incident: incident as never })).verdict?.incident).toBeNull();
    }
    const healthy = base({ status: 'healthy', flowchart_path: pathTo(leafOf('healthy')), incident: { since: '2026-11-20T23:34:10.000Z', last: '2026-11-20T23:34:40.000Z', failures: 1 } });
    expect(fromDiagnosis(healthy).verdict?.incident).toBeNull();
  });

  it('keeps going, with a notice, when a newer collector names a cause this panel does not know', () => {
    const m = fromDiagnosis(base({ likely_cause: 'quantum_flux' as never, flowchart_path: ['A', 'B'] }));
    expect(m.notices.join(' ')).toContain('quantum_flux');
    expect(m.state).toBe('ready');
  });

  it('treats missing figures as unknown rather than zero', () => {
    const m = fromDiagnosis(base({}));
    expect(m.stats.p95S).toBeNull();
    expect(m.stats.writingShare).toBeNull();
    expect(m.series.connect).toBeNull();
    expect(m.range).toBeNull();
  });
});
