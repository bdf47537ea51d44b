// The Grafana panel without its Grafana UI dependencies: data frames and the collector's API → model,
// drill-down → the dashboard time range and the selected upstream. The theme arrives as a palette, so
// this file renders in tests with @grafana/data alone.
import { useCallback, useMemo, useState } from 'react';
import { dateTimeFormat, LoadingState, type PanelProps } from '@grafana/data';
import { diagnosisUrl } from '../../api/diagnosisClient';
import { useDiagnosis } from '../../api/useDiagnosis';
import { buildLinks } from '../../links';
import { panelModel } from '../../model/combine';
import { fromFrames } from '../../model/fromFrames';
import type { TimeWindow } from '../../model/types';
import { normalizeOptions, type DoctorOptions } from '../../options';
import { DoctorView } from '../DoctorView/DoctorView';
import type { Palette } from '../DoctorView/palette';

export interface DoctorPanelBodyProps extends PanelProps<DoctorOptions> {
  palette: Palette;
  appSubUrl: string;
  fetchImpl?: typeof fetch;
}

export function DoctorPanelBody(props: DoctorPanelBodyProps) {
  const { data, width, height, timeZone, replaceVariables, onChangeTimeRange, palette, fetchImpl } = props;
  const options = useMemo(() => normalizeOptions(props.options), [props.options]);
  const [upstream, setUpstream] = useState<string | null>(null);
  const from = data.timeRange.from.valueOf();
  const to = data.timeRange.to.valueOf();
  const range: TimeWindow = useMemo(() => ({ from, to }), [from, to]);

  const metrics = useMemo(
    () => fromFrames(data.series, { upstream, range, intervalMs: data.request?.intervalMs ?? null }),
    [data.series, upstream, range, data.request?.intervalMs],
  );

  const apiBase = options.apiUrl ? replaceVariables(options.apiUrl) : '';
  const { url: apiUrl, error: urlError } = useMemo(() => {
    if (!apiBase) return { url: null, error: null };
    try {
      return { url: diagnosisUrl(apiBase, { from, to, upstream }), error: null };
    } catch (e) {
      return { url: null, error: (e as Error).message };
    }
  }, [apiBase, from, to, upstream]);
  const api = useDiagnosis(apiUrl, { fetchImpl });

  const queryError = data.state === LoadingState.Error ? (data.errors?.[0]?.message ?? data.error?.message ?? 'query failed') : null;
  const model = useMemo(() => {
    const m = panelModel({ metrics, api, loading: data.state === LoadingState.Loading, queryError, upstream });
    return urlError ? { ...m, notices: [...m.notices, urlError] } : m;
  }, [metrics, api, data.state, queryError, upstream, urlError]);

  const targets = data.request?.targets ?? [];
  const panelDs = targets.find((t) => t.datasource?.uid)?.datasource?.uid ?? null;
  const links = buildLinks({
    appSubUrl: props.appSubUrl,
    window: model.verdict?.window ?? range,
    upstream: upstream ?? model.verdict?.upstream ?? null,
    exploreDatasourceUid: options.exploreDatasourceUid || panelDs,
    logsDatasourceUid: options.logsDatasourceUid || null,
    logsQuery: options.logsQuery,
  });

  const formatTime = useCallback((ms: number) => dateTimeFormat(ms, { timeZone, format: 'HH:mm:ss' }), [timeZone]);
  // "Since" in the dashboard's time zone, with the date when the incident began on an earlier day.
  const formatClock = useCallback(
    (ms: number, ref: number) => {
      const day = (t: number) => dateTimeFormat(t, { timeZone, format: 'YYYY-MM-DD' });
      return dateTimeFormat(ms, { timeZone, format: day(ms) === day(ref) ? 'HH:mm' : 'YYYY-MM-DD HH:mm' });
    },
    [timeZone],
  );
  // Selecting a window sets the dashboard's time range: every panel follows, and the diagnosis re-runs.
  const onSelectRange = useCallback((w: TimeWindow) => onChangeTimeRange({ from: w.from, to: w.to }), [onChangeTimeRange]);

  return (
    <DoctorView
      model={model}
      palette={palette}
      options={options}
      width={width}
      height={height}
      formatTime={formatTime}
      formatClock={formatClock}
      links={links}
      drill={{ window: null, upstream }}
      chartRange={range}
      onSelectRange={onSelectRange}
      onSelectUpstream={setUpstream}
      onReset={upstream ? () => setUpstream(null) : undefined}
    />
  );
}
