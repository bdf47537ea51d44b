// The trailing window the shares and P95 are computed over, and the catalogue links of every chart.
import { ExporterState } from '../metrics/store';
import { METRICS, STATUS_LABELS } from '../metrics/catalogue';
import { GLOBAL_CHARTS, UPSTREAM_CHARTS, bucketDimId, chartContext, chartPriority } from './charts';
import { MAX_ID_LENGTH, isValidId } from './protocol';
import { StateReader } from './stateReader';

const U = '10.0.0.5:8080';
const i502 = STATUS_LABELS.indexOf('502');

describe('StateReader window', () => {
  it('covers what was counted since the newest snapshot at least a window old', () => {
    const st = new ExporterState();
    const r = new StateReader(st, 10_000);
    r.tick(0);
    st.inc('requests', [U, '502'], 5);
    r.tick(4_000);
    expect(r.window(U).requests[i502]).toBe(5);
    st.inc('requests', [U, '502'], 2);
    r.tick(10_000); // the snapshot at 0 is now a full window old: still the base
    expect(r.window(U).requests[i502]).toBe(7);
    r.tick(14_000); // base moves to the snapshot at 4 s
    expect(r.window(U).requests[i502]).toBe(2);
    r.tick(30_000);
    expect(r.window(U).requests[i502]).toBe(0);
  });

  it('counts an upstream that appeared inside the window from zero', () => {
    const st = new ExporterState();
    const r = new StateReader(st, 10_000);
    r.tick(0);
    st.inc('connections', [U, 'reused'], 3);
    st.inc('connections', [U, 'new'], 1);
    st.observe('responseTime', [U], 0.2);
    r.tick(1000);
    const w = r.window(U);
    expect([w.reused, w.fresh]).toEqual([3, 1]);
    expect(w.response.reduce((a, b) => a + b, 0)).toBe(1);
    expect(r.window('nowhere').reused).toBe(0);
  });

  it('lists upstreams from every per-upstream metric, and sums error classes over phases', () => {
    const st = new ExporterState();
    const r = new StateReader(st, 10_000);
    st.inc('requests', ['a', '2xx']);
    st.inc('errorLog', ['b', 'reset_by_peer', 'reading_response_header'], 2);
    st.inc('errorLog', ['b', 'reset_by_peer', 'sending_request'], 3);
    st.set('causeScore', ['c', 'healthy'], 1);
    r.tick(0);
    expect(r.upstreams()).toEqual(['a', 'b', 'c']);
    expect(r.errorClasses('b').reset_by_peer).toBe(5);
    expect(r.errorClasses('b').refused).toBe(0);
    expect(r.errorClasses('a').reset_by_peer).toBe(0);
  });
});

describe('chart catalogue', () => {
  const all = [...UPSTREAM_CHARTS, ...GLOBAL_CHARTS];

  it('draws every chart from metrics the exporter exports', () => {
    for (const def of all) {
      expect(def.metrics.length).toBeGreaterThan(0);
      for (const m of def.metrics) expect(METRICS[m]).toBeDefined();
    }
  });

  it('has unique kinds, contexts and priorities, and valid unique dimension ids', () => {
    expect(new Set(all.map((d) => d.kind)).size).toBe(all.length);
    expect(new Set(all.map(chartContext)).size).toBe(all.length);
    expect(new Set(all.map(chartPriority)).size).toBe(all.length);
    for (const def of all) {
      const ids = def.dims.map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(isValidId(id)).toBe(true);
      // Room for the upstream part of the id.
      expect(def.kind.length).toBeLessThan(MAX_ID_LENGTH / 3);
    }
  });

  it('names connect-time buckets by their upper bound', () => {
    expect(bucketDimId(0)).toBe('le_0');
    expect(bucketDimId(0.005)).toBe('le_0_005');
    expect(bucketDimId(2.5)).toBe('le_2_5');
    expect(bucketDimId(Infinity)).toBe('le_inf');
    const connect = UPSTREAM_CHARTS.find((d) => d.kind === 'connect_time')!;
    expect(connect.dims.map((d) => d.name)[0]).toBe('0 (reused)');
    expect(connect.dims).toHaveLength((METRICS.connectTime.buckets?.length ?? 0) + 1);
  });
});
