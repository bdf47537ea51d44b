// Which model to draw when two sources may answer: the metrics (always, in Grafana) and the collector's
// API (when configured). The API's diagnosis is the engine's own for exactly this window, so it wins for
// the verdict, path and evidence; Prometheus keeps the charts, which it has at a finer grain.
import { diagnosisOf, type DiagnosisState } from '../api/useDiagnosis';
import { fromDiagnosis } from './fromDiagnosis';
import { stateModel, type DoctorModel } from './types';

export interface PanelInputs {
  metrics: DoctorModel;
  api: DiagnosisState;
  /** Grafana's query state for the panel's queries. */
  loading: boolean;
  /** The queries' error, if they failed. */
  queryError: string | null;
  upstream: string | null;
}

export function panelModel(i: PanelInputs): DoctorModel {
  const d = diagnosisOf(i.api);
  if (d) {
    const m = fromDiagnosis(d, i.upstream);
    const s = i.metrics.series;
    const hasCharts = s.rate502.length > 0 || s.p95.length > 0 || s.writingShare.length > 0;
    if (hasCharts) {
      m.series = {
        ...m.series,
        rate502: s.rate502.length ? s.rate502 : m.series.rate502,
        p95: s.p95.length ? s.p95 : m.series.p95,
        writingShare: s.writingShare,
        stepMs: s.stepMs ?? m.series.stepMs,
      };
    }
    m.stats.writingShare ??= i.metrics.stats.writingShare;
    m.range = i.metrics.range ?? m.range;
    if (i.api.status === 'error') m.notices.push(`showing the collector's last answer; the refresh failed: ${i.api.error}`);
    return m;
  }
  if (i.api.status === 'error') {
    if (i.metrics.state !== 'ready') return stateModel('error', i.api.error, 'api');
    return { ...i.metrics, notices: [...i.metrics.notices, `evidence unavailable: ${i.api.error}`] };
  }
  if (i.queryError && i.metrics.state !== 'ready') return stateModel('error', i.queryError, 'metrics');
  if (i.metrics.state === 'empty' && (i.loading || i.api.status === 'loading')) {
    return stateModel('loading', 'Reading the Upstream Doctor series…', 'metrics');
  }
  return i.metrics;
}

/** The embedded page: `detail` (a drilled window) when there is one, with the overview's charts for context. */
export function pageModel(overview: DiagnosisState, detail: DiagnosisState | null, upstream: string | null): DoctorModel {
  const primary = detail ?? overview;
  const d = diagnosisOf(primary);
  if (!d) {
    if (primary.status === 'error') return stateModel('error', primary.error, 'api');
    return stateModel('loading', 'Asking the collector for its diagnosis…', 'api');
  }
  const m = fromDiagnosis(d, upstream);
  if (detail) {
    const o = diagnosisOf(overview);
    if (o) {
      const om = fromDiagnosis(o, upstream);
      m.series = { ...m.series, rate502: om.series.rate502, p95: om.series.p95, stepMs: om.series.stepMs };
      m.range = om.range;
    }
  }
  if (primary.status === 'error') m.notices.push(`showing the last answer; the refresh failed: ${primary.error}`);
  return m;
}
