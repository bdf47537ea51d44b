// The embedded NOC page: asks the collector it was served by for the diagnosis, draws the same view as
// the Grafana panel, and drills down by asking again for the window or upstream the user picks.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { diagnosisUrl } from '../api/diagnosisClient';
import { diagnosisOf, useDiagnosis } from '../api/useDiagnosis';
import { DoctorView } from '../components/DoctorView/DoctorView';
import { DARK, LIGHT } from '../components/DoctorView/palette';
import { button } from '../components/DoctorView/styles';
import { pageModel } from '../model/combine';
import { utcDateTime } from '../model/format';
import type { TimeWindow } from '../model/types';
import { DEFAULT_OPTIONS } from '../options';
import { readParams, writeParams, type PageParams, type PageQuery } from './query';

export interface AppProps {
  /** The page's own URL: the API is asked relative to it. */
  base: string;
  search: string;
  prefersLight: boolean;
  width: number;
  height: number;
  fetchImpl?: typeof fetch;
  /** Called with the new query string when the state changes (the page keeps it in the address bar). */
  onParams?: (search: string) => void;
}

const HEADER = 40;

export function App(props: AppProps) {
  const [params, setParams] = useState<PageParams>(() => readParams(props.search));
  const { query, refreshMs } = params;
  const theme = params.theme ?? (props.prefersLight ? 'light' : 'dark');
  const palette = theme === 'light' ? LIGHT : DARK;
  const drilled = query.from !== undefined;

  const overviewUrl = useMemo(() => diagnosisUrl(props.base, { upstream: query.upstream }), [props.base, query.upstream]);
  const detailUrl = useMemo(() => (drilled ? diagnosisUrl(props.base, query) : null), [props.base, query, drilled]);
  const overview = useDiagnosis(overviewUrl, { fetchImpl: props.fetchImpl, refreshMs });
  const detail = useDiagnosis(detailUrl, { fetchImpl: props.fetchImpl, refreshMs });
  const model = useMemo(
    () => pageModel(overview, detailUrl ? detail : null, query.upstream ?? null),
    [overview, detail, detailUrl, query.upstream],
  );
  const chartRange = useMemo(() => {
    const o = diagnosisOf(overview);
    const from = o ? Date.parse(o.series.from) : NaN;
    const to = o ? Date.parse(o.series.to) : NaN;
    return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null;
  }, [overview]);

  const { onParams } = props;
  useEffect(() => onParams?.(writeParams(params)), [params, onParams]);

  const setQuery = useCallback((q: PageQuery) => setParams((p) => ({ ...p, query: q })), []);
  const onSelectRange = useCallback((w: TimeWindow) => setQuery({ ...query, from: w.from, to: w.to }), [query, setQuery]);
  const onSelectUpstream = useCallback(
    (upstream: string | null) => setQuery({ ...query, upstream: upstream ?? undefined }),
    [query, setQuery],
  );
  const updated = overview.status === 'ok' ? overview.at : null;
  // A small tile keeps the header to the name and the theme switch.
  const narrow = props.width < 640;
  const jsonUrl = detailUrl ?? overviewUrl;

  return (
    // At least the window's height, and taller when the view is: then the document scrolls, as any page does.
    <div style={{ background: palette.background, color: palette.text, fontFamily: palette.fontFamily, minHeight: props.height }}>
      <header
        style={{ height: HEADER, boxSizing: 'border-box', display: 'flex', alignItems: 'center', gap: 14, padding: '0 10px', borderBottom: `1px solid ${palette.border}` }}
      >
        <strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>Upstream Doctor</strong>
        <span data-testid="updated" style={{ fontSize: 12, color: palette.muted, display: narrow ? 'none' : undefined }}>
          {updated ? `updated ${utcDateTime(updated)}` : 'waiting for the collector'}
          {refreshMs > 0 ? ` · every ${Math.round(refreshMs / 1000)} s` : ''}
        </span>
        <span style={{ flex: 1 }} />
        <a
          href={jsonUrl}
          style={{ color: palette.lit, fontSize: 13, whiteSpace: 'nowrap', display: narrow ? 'none' : undefined }}
          target="_blank"
          rel="noopener noreferrer"
        >
          JSON for this view
        </a>
        <button
          type="button"
          data-testid="theme-toggle"
          style={{ ...button(palette), whiteSpace: 'nowrap' }}
          onClick={() => setParams((p) => ({ ...p, theme: theme === 'dark' ? 'light' : 'dark' }))}
        >
          {theme === 'dark' ? 'Light' : 'Dark'} theme
        </button>
      </header>
      <DoctorView
        model={model}
        palette={palette}
        options={{ ...DEFAULT_OPTIONS, compact: 'auto' }}
        fit="page"
        width={props.width}
        height={props.height - HEADER}
        drill={{ window: drilled ? { from: query.from!, to: query.to! } : null, upstream: query.upstream ?? null }}
        chartRange={chartRange}
        onSelectRange={onSelectRange}
        onSelectUpstream={onSelectUpstream}
        onReset={drilled || query.upstream ? () => setQuery({}) : undefined}
      />
    </div>
  );
}
