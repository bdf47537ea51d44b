import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';
import { CAUSES } from '../../collector/diagnose/causes';
import { leafOf, pathTo } from '../../collector/diagnose/tree';
import { connectOf, fromFrames } from './fromFrames';
import { samplesByRole } from './frames';

const T0 = Date.UTC(2026, 10, 20, 23, 34, 0);
const ctx = { upstream: null, range: { from: T0, to: T0 + 60_000 }, intervalMs: null };

function series(refId: string, labels: Record<string, string>, points: Array<[number, number]>): DataFrame {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: points.map((p) => T0 + p[0] * 1000) },
      { name: 'Value', type: FieldType.number, values: points.map((p) => p[1]), labels },
    ],
  });
}

/** What the collector exports: likely_cause 1 for the winner, cause scores, per upstream. */
function verdictFrames(up: string, winner: string, scores: Record<string, number>, at = 50): DataFrame[] {
  return Object.entries(scores).flatMap(([cause, score]) => [
    series('likely_cause', { upstream: up, cause }, [[at, cause === winner ? 1 : 0]]),
    series('cause_score', { upstream: up, cause }, [[at, score]]),
  ]);
}

describe('fromFrames: the verdict from the collector’s cause series', () => {
  const frames = [
    ...verdictFrames('10.0.0.1:80', 'keepalive_idle_race', { keepalive_idle_race: 0.93, middlebox_idle_timeout: 0.31, healthy: 0.07 }),
    ...verdictFrames('10.0.0.2:80', 'healthy', { healthy: 1 }),
    series('rate_502', { upstream: '10.0.0.1:80' }, [[0, 0], [10, 0.1], [20, 0.2]]),
    series('rate_502', { upstream: '10.0.0.2:80' }, [[0, 0], [10, 0], [20, 0]]),
  ];

  it('names the cause with the highest score, and lights pathTo(leafOf(cause))', () => {
    const m = fromFrames(frames, ctx);
    expect(m.state).toBe('ready');
    expect(m.verdict?.cause).toBe('keepalive_idle_race');
    expect(m.verdict?.upstream).toBe('10.0.0.1:80');
    expect(m.verdict?.score).toBe(0.93);
    // The gauges say which cause, not how many failures or since when.
    expect(m.verdict).toEqual(expect.objectContaining({ status: 'named', failures: null, incident: null }));
    expect(m.verdict?.fix).toEqual(CAUSES.keepalive_idle_race.fix);
    expect(m.path).toEqual(pathTo(leafOf('keepalive_idle_race')));
    expect(m.path).toEqual(['A', 'B', 'D', 'E']);
    expect(m.others.map((o) => [o.id, o.score])).toEqual([
      ['middlebox_idle_timeout', 0.31],
      ['healthy', 0.07],
    ]);
  });

  it('writes evidence from what the series show', () => {
    const ev = fromFrames(frames, ctx).verdict!.evidence.join('\n');
    expect(ev).toContain('cause score 0.93 on 10.0.0.1:80');
    expect(ev).toContain('502 rate 20 % on 10.0.0.1:80');
  });

  it('narrows to one upstream: that upstream’s verdict and lines', () => {
    const m = fromFrames(frames, { ...ctx, upstream: '10.0.0.2:80' });
    expect(m.verdict?.cause).toBe('healthy');
    expect(m.path).toEqual(['A', 'O']);
    expect(m.series.rate502.map((l) => l.name)).toEqual(['10.0.0.2:80']);
    // The table still lists every upstream, so the user can pick another.
    expect(m.series.upstreams.map((u) => u.upstream).sort()).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
  });

  it('follows the newest window: a cause that won earlier does not win now', () => {
    const m = fromFrames(
      [
        series('likely_cause', { upstream: 'u', cause: 'oom_kill' }, [[10, 1], [50, 0]]),
        series('likely_cause', { upstream: 'u', cause: 'upstream_timeout' }, [[10, 0], [50, 1]]),
      ],
      ctx,
    );
    expect(m.verdict?.cause).toBe('upstream_timeout');
  });

  it('reads the collector’s table-format (instant) answer too', () => {
    const table = toDataFrame({
      refId: 'likely_cause',
      fields: [
        { name: 'upstream', type: FieldType.string, values: ['u', 'u'] },
        { name: 'cause', type: FieldType.string, values: ['pmtu_black_hole', 'healthy'] },
        { name: 'Value', type: FieldType.number, values: [1, 0] },
      ],
    });
    expect(fromFrames([table], ctx).path).toEqual(['A', 'B', 'D', 'F', 'G']);
  });

  it('notes a cause id it does not know and keeps the rest', () => {
    const m = fromFrames([...frames, series('likely_cause', { upstream: 'z', cause: 'gremlins' }, [[50, 1]])], ctx);
    expect(m.notices.join(' ')).toContain('gremlins');
    expect(m.verdict?.cause).toBe('keepalive_idle_race');
  });

  it('without cause series: charts, no verdict, and a notice saying which query is missing', () => {
    const m = fromFrames([series('rate_502', {}, [[0, 0.5]])], ctx);
    expect(m.state).toBe('ready');
    expect(m.verdict).toBeNull();
    expect(m.path).toEqual([]);
    expect(m.notices.join(' ')).toContain('likely_cause');
  });
});

describe('fromFrames: the four signals', () => {
  it('P95 lines and the smallest proxy_read_timeout that applies', () => {
    const m = fromFrames(
      [
        series('p95', { upstream: 'a' }, [[0, 0.5], [10, 9]]),
        series('read_timeout', { upstream: 'a' }, [[10, 10]]),
        series('read_timeout', { upstream: 'b' }, [[10, 60]]),
      ],
      ctx,
    );
    expect(m.stats.p95S).toBe(9);
    expect(m.series.readTimeoutS).toBe(10);
    expect(m.stats.readTimeoutS).toBe(10);
  });

  it('Writing share from the stub_status gauge', () => {
    const f = series('A', { __name__: 'upstream_doctor_nginx_writing_share' }, [[0, 0.4], [10, 0.95]]);
    const m = fromFrames([f], ctx);
    expect(m.stats.writingShare).toBe(0.95);
    expect(m.series.writingShare[0].points).toHaveLength(2);
  });

  it('weights the overall 502 rate by requests per upstream when it has them', () => {
    const m = fromFrames(
      [
        series('rate_502', { upstream: 'a' }, [[10, 0.5]]),
        series('rate_502', { upstream: 'b' }, [[10, 0]]),
        series('requests', { upstream: 'a' }, [[10, 10]]),
        series('requests', { upstream: 'b' }, [[10, 90]]),
      ],
      ctx,
    );
    expect(m.stats.rate502).toBeCloseTo(0.05);
    expect(m.stats.requests).toBe(100);
  });

  it('steps: the query interval when known, else the spacing of the points', () => {
    const f = [series('rate_502', {}, [[0, 0], [15, 0], [30, 0]])];
    expect(fromFrames(f, ctx).series.stepMs).toBe(15_000);
    expect(fromFrames(f, { ...ctx, intervalMs: 5000 }).series.stepMs).toBe(5000);
  });

  it('no frames, or none of ours: the empty state in words', () => {
    expect(fromFrames([], ctx)).toMatchObject({ state: 'empty', message: expect.stringContaining('returned nothing') });
    const other = toDataFrame({ refId: 'X', fields: [{ name: 'v', type: FieldType.number, values: [1] }] });
    expect(fromFrames([other], ctx)).toMatchObject({ state: 'empty', message: expect.stringContaining('README') });
  });
});

describe('connectOf', () => {
  const bucketFrames = (up: string, cum: Array<[string, number]>) =>
    cum.map(([le, v]) => series('connect', { upstream: up, le }, [[50, v]]));

  it('turns cumulative Prometheus buckets into per-bucket counts, summed over upstreams', () => {
    const frames = [
      ...bucketFrames('a', [['0', 30], ['0.001', 35], ['0.005', 38], ['+Inf', 40]]),
      ...bucketFrames('b', [['0', 0], ['0.001', 5], ['0.005', 5], ['+Inf', 10]]),
    ];
    const c = connectOf(samplesByRole(frames).get('connect')!)!;
    expect(c.buckets).toEqual([
      { le: 0, count: 30 },
      { le: 0.001, count: 10 },
      { le: 0.005, count: 3 },
      { le: null, count: 7 },
    ]);
    expect(c.total).toBe(50);
    expect(c.reuseShare).toBeCloseTo(0.6);
  });

  it('takes already-split buckets (heatmap format) as they are', () => {
    const c = connectOf(samplesByRole(bucketFrames('a', [['0', 5], ['0.001', 2], ['+Inf', 1]])).get('connect')!)!;
    expect(c.buckets.map((b) => b.count)).toEqual([5, 2, 1]);
  });

  it('gives the reuse share per upstream in the table', () => {
    const m = fromFrames(bucketFrames('a', [['0', 9], ['+Inf', 10]]), ctx);
    expect(m.series.upstreams.find((u) => u.upstream === 'a')?.reuseShare).toBeCloseTo(0.9);
  });
});
