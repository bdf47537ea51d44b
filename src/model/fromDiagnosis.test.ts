import { CAUSES } from '../../collector/diagnose/causes';
import { UNEXPLAINED_LEAF, leafOf, pathTo } from '../../collector/diagnose/tree';
import { buildDiagnosis, type Diagnosis } from '../../collector/report/diagnosis';
import { sampleSources } from '../testing/samples';
import { fromDiagnosis } from './fromDiagnosis';

describe('fromDiagnosis on the real engine output', () => {
  let d: Diagnosis;
  beforeAll(async () => {
    d = buildDiagnosis(await sampleSources('keepalive_idle_race'));
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
    expect(m.verdict?.unexplained).toBe(false);
    expect(m.path).toEqual(pathTo(leafOf('keepalive_idle_race')));
    expect(m.others.map((o) => o.id)).toEqual(d.causes.slice(1).map((c) => c.id));
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
    const m = fromDiagnosis(base({}));
    expect(m.verdict?.unexplained).toBe(true);
    expect(m.verdict?.label).toBe('Unexplained upstream failures');
    expect(m.verdict?.fix).toEqual([]);
    expect(m.verdict?.headline).toContain('match no known pattern');
    expect(m.path[m.path.length - 1]).toBe(UNEXPLAINED_LEAF);
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
