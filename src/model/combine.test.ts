import { buildDiagnosis, type Diagnosis, type DiagnosisSources } from '../../collector/report/diagnosis';
import type { DiagnosisState } from '../api/useDiagnosis';
import { sampleSources } from '../testing/samples';
import { pageModel, panelModel } from './combine';
import { stateModel, type DoctorModel } from './types';

let src: DiagnosisSources;
let whole: Diagnosis;
beforeAll(async () => {
  src = await sampleSources('backend_crash', 2000);
  whole = buildDiagnosis(src);
});

const ok = (d: Diagnosis, url = 'u'): DiagnosisState => ({ status: 'ok', url, diagnosis: d, at: 0 });
const metricsWithCharts = (): DoctorModel => ({
  ...stateModel('empty', '', 'metrics'),
  state: 'ready',
  message: null,
  stats: { requests: 1, rate502: 0.5, p95S: 1, readTimeoutS: 10, writingShare: 0.42, reuseShare: null },
  series: {
    rate502: [{ name: 'prom', points: [{ t: 1, v: 0.5 }] }],
    writingShare: [{ name: 'w', points: [{ t: 1, v: 0.42 }] }],
    p95: [],
    readTimeoutS: 10,
    connect: null,
    upstreams: [],
    stepMs: 15000,
  },
  range: { from: 0, to: 100 },
});

describe('panelModel', () => {
  it('takes the verdict, path and evidence from the collector, the charts from Prometheus', () => {
    const m = panelModel({ metrics: metricsWithCharts(), api: ok(whole), loading: false, queryError: null, upstream: null });
    expect(m.source).toBe('api');
    expect(m.verdict?.cause).toBe('backend_crash');
    expect(m.path).toEqual(whole.flowchart_path);
    expect(m.verdict?.evidence).toEqual(whole.causes[0].evidence);
    expect(m.series.rate502[0].name).toBe('prom');
    expect(m.series.p95[0].points).toHaveLength(whole.series.points.length);
    expect(m.stats.writingShare).toBe(0.42);
    expect(m.series.stepMs).toBe(15000);
    expect(m.range).toEqual({ from: 0, to: 100 });
  });

  it('falls back to the metrics with a notice when the collector does not answer', () => {
    const m = panelModel({
      metrics: metricsWithCharts(),
      api: { status: 'error', url: 'u', error: 'collector API answered 502', previous: null },
      loading: false,
      queryError: null,
      upstream: null,
    });
    expect(m.source).toBe('metrics');
    expect(m.notices).toContain('evidence unavailable: collector API answered 502');
  });

  it('keeps the last answer on a failed refresh, and says so', () => {
    const m = panelModel({
      metrics: metricsWithCharts(),
      api: { status: 'error', url: 'u', error: 'timed out', previous: whole },
      loading: false,
      queryError: null,
      upstream: null,
    });
    expect(m.verdict?.cause).toBe('backend_crash');
    expect(m.notices.join(' ')).toContain('timed out');
  });

  it('shows the error when nothing else can be shown', () => {
    const empty = stateModel('empty', 'No data', 'metrics');
    expect(panelModel({ metrics: empty, api: { status: 'error', url: 'u', error: 'down', previous: null }, loading: false, queryError: null, upstream: null })).toMatchObject({ state: 'error', message: 'down' });
    expect(panelModel({ metrics: empty, api: { status: 'idle' }, loading: false, queryError: 'bad PromQL', upstream: null })).toMatchObject({ state: 'error', message: 'bad PromQL' });
  });

  it('says loading, not "no data", while the first answer is on its way', () => {
    const empty = stateModel('empty', 'No data', 'metrics');
    expect(panelModel({ metrics: empty, api: { status: 'idle' }, loading: true, queryError: null, upstream: null }).state).toBe('loading');
    expect(panelModel({ metrics: empty, api: { status: 'loading', url: 'u', previous: null }, loading: false, queryError: null, upstream: null }).state).toBe('loading');
    expect(panelModel({ metrics: empty, api: { status: 'idle' }, loading: false, queryError: null, upstream: null }).state).toBe('empty');
  });
});

describe('pageModel', () => {
  it('draws the drilled window’s verdict over the whole range’s charts', () => {
    const last = whole.series.points[whole.series.points.length - 1];
    const from = Date.parse(last.t);
    const detail = buildDiagnosis(src, { from, to: from + 2000 });
    expect(detail.likely_cause).toBe('healthy');
    const m = pageModel(ok(whole, 'o'), ok(detail, 'd'), null);
    expect(m.verdict?.cause).toBe('healthy');
    expect(m.path).toEqual(['A', 'O']);
    expect(m.series.rate502[0].points).toHaveLength(whole.series.points.length);
    expect(m.range).toEqual({ from: Date.parse(whole.series.from), to: Date.parse(whole.series.to) });
  });

  it('loading and error before any answer', () => {
    expect(pageModel({ status: 'loading', url: 'o', previous: null }, null, null).state).toBe('loading');
    expect(pageModel({ status: 'error', url: 'o', error: 'refused', previous: null }, null, null)).toMatchObject({ state: 'error', message: 'refused' });
  });
});
