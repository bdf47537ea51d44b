import fc from 'fast-check';
import {
  ExporterState,
  ExporterStateError,
  MAX_SERIES_PER_METRIC,
  type CounterKey,
  type ExporterStateJSON,
  type GaugeKey,
  type HistogramKey,
} from './store';
import { LATENCY_BUCKETS_S, METRICS } from './catalogue';

const RESPONSE = METRICS.responseTime.name;

describe('ExporterState', () => {
  it('puts an observation in the first bucket whose bound is at least the value, and above all bounds in the last', () => {
    const st = new ExporterState();
    for (const v of [0, 0.005, 0.0051, 120, 121, 1e9]) st.observe('responseTime', ['u'], v);
    const h = st.histogramSeries('responseTime', ['u'])!;
    expect(h.buckets).toHaveLength(LATENCY_BUCKETS_S.length + 1);
    expect(h.buckets[0]).toBe(2); // 0 and exactly 0.005: `le` is inclusive
    expect(h.buckets[1]).toBe(1);
    expect(h.buckets[LATENCY_BUCKETS_S.length - 1]).toBe(1); // exactly 120
    expect(h.buckets[LATENCY_BUCKETS_S.length]).toBe(2);
    expect(h.count).toBe(6);
    expect(h.sum).toBeCloseTo(0.005 + 0.0051 + 120 + 121 + 1e9, 3);
  });

  it('ignores what would make a counter fall or a histogram lie (negative, NaN, infinite)', () => {
    const st = new ExporterState();
    st.inc('lines', ['access'], 5);
    for (const bad of [-1, NaN, Infinity, -Infinity]) {
      st.inc('lines', ['access'], bad);
      st.observe('headerTime', ['u'], bad);
      if (bad !== -1) st.set('tailLag', ['f'], bad); // a gauge may be negative, never NaN or infinite
    }
    expect(st.value('lines', ['access'])).toBe(5);
    expect(st.histogramSeries('headerTime', ['u'])).toBeUndefined();
    expect(st.value('tailLag', ['f'])).toBeUndefined();
  });

  it('fails loudly on a wrong number of label values', () => {
    const st = new ExporterState();
    expect(() => st.inc('requests', ['only-upstream'])).toThrow(ExporterStateError);
    expect(() => st.observe('connectTime', [], 1)).toThrow(/takes 1 label values, got 0/);
  });

  it('stops creating series at the cap and counts what it dropped', () => {
    const st = new ExporterState();
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 5; i++) st.inc('retries', [`u${i}`]);
    expect(st.scalarSeries('retries')).toHaveLength(MAX_SERIES_PER_METRIC);
    expect(st.droppedSeries).toBe(5);
    st.inc('retries', ['u0']); // existing series still count
    expect(st.value('retries', ['u0'])).toBe(2);
  });

  it('round-trips through JSON text to the same numbers, in the same series order', () => {
    const st = new ExporterState();
    st.inc('requests', ['b:80', '502'], 3);
    st.inc('requests', ['a:80', '2xx'], 7);
    st.zero('restarts', ['a:80']);
    st.set('causeScore', ['a:80', 'oom_kill'], 0.25);
    st.observe('connectTime', ['a:80'], 0);
    st.observe('connectTime', ['a:80'], 0.1 + 0.2); // a sum that is not a short decimal
    st.stubRaw = { accepted: 1, handled: 1, requests: 9 };
    const back = ExporterState.fromJSON(JSON.parse(JSON.stringify(st.toJSON())));
    expect(back.toJSON()).toEqual(st.toJSON());
    expect(back.scalarSeries('requests').map((s) => s.labels[0])).toEqual(['b:80', 'a:80']);
    expect(back.histogramSeries('connectTime', ['a:80'])!.sum).toBe(0.1 + 0.2);
    expect(back.value('restarts', ['a:80'])).toBe(0);
  });

  it('round-trips any sequence of updates (property)', () => {
    const counter = fc.constantFrom<CounterKey>('retries', 'restarts');
    const gauge = fc.constantFrom<GaugeKey>('readTimeout', 'tailLag');
    const hist = fc.constantFrom<HistogramKey>('responseTime', 'connectTime');
    const label = fc.string({ maxLength: 6 });
    const op = fc.oneof(
      fc.record({ k: fc.constant('inc' as const), key: counter, l: label, v: fc.double({ min: -5, max: 1e6 }) }),
      fc.record({ k: fc.constant('set' as const), key: gauge, l: label, v: fc.double() }),
      fc.record({ k: fc.constant('obs' as const), key: hist, l: label, v: fc.double({ min: -1, max: 500 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const st = new ExporterState();
        for (const o of ops) {
          if (o.k === 'inc') st.inc(o.key, [o.l], o.v);
          else if (o.k === 'set') st.set(o.key, [o.l], o.v);
          else st.observe(o.key, [o.l], o.v);
        }
        const json = JSON.parse(JSON.stringify(st.toJSON())) as ExporterStateJSON;
        const back = ExporterState.fromJSON(json);
        expect(back.toJSON()).toEqual(st.toJSON());
        for (const key of ['responseTime', 'connectTime'] as const) {
          for (const h of back.allHistogramSeries(key)) expect(h.count).toBe(h.buckets.reduce((a, b) => a + b, 0));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('leaves out, with a note, a metric whose buckets, labels or name changed since the checkpoint', () => {
    const st = new ExporterState();
    st.observe('responseTime', ['u'], 1);
    st.inc('retries', ['u']);
    const json = st.toJSON();
    const old = json.metrics[RESPONSE] as { bounds: number[] };
    old.bounds = [1, 2, 3];
    json.metrics['upstream_doctor_renamed_total'] = { type: 'counter', labels: [], series: [[[], 4]] };
    json.metrics[METRICS.retries.name].labels = ['backend'];
    const back = ExporterState.fromJSON(json);
    expect(back.allHistogramSeries('responseTime')).toEqual([]);
    expect(back.scalarSeries('retries')).toEqual([]);
    expect([...back.restoreNotes].sort()).toEqual(
      [
        `${RESPONSE}: buckets changed`,
        'upstream_doctor_renamed_total: no longer exported',
        `${METRICS.retries.name}: type or labels changed`,
      ].sort(),
    );
  });

  it('rejects a damaged checkpoint with a one-line error instead of loading half of it', () => {
    const st = new ExporterState();
    st.inc('retries', ['u'], 2);
    st.observe('headerTime', ['u'], 0.2);
    const good = () => JSON.parse(JSON.stringify(st.toJSON()));
    const cases: Array<[string, (j: any) => unknown]> = [
      ['not an object', () => 'nope'],
      ['version', (j) => ({ ...j, version: 2 })],
      ['no metrics', (j) => ({ ...j, metrics: null })],
      ['negative counter', (j) => (j.metrics[METRICS.retries.name].series[0][1] = -1, j)],
      ['label not a string', (j) => (j.metrics[METRICS.retries.name].series[0][0] = [5], j)],
      ['bucket count', (j) => (j.metrics[METRICS.headerTime.name].series[0][1].pop(), j)],
      ['duplicate series', (j) => (j.metrics[METRICS.retries.name].series.push([['u'], 1]), j)],
      ['stubRaw', (j) => ({ ...j, stubRaw: { accepted: 'x' } })],
    ];
    for (const [what, damage] of cases) {
      let err: unknown;
      try {
        ExporterState.fromJSON(damage(good()));
      } catch (e) {
        err = e;
      }
      expect([what, err instanceof ExporterStateError]).toEqual([what, true]);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
