// Links out of the panel for the window being diagnosed: Explore with the 502 rate of the upstream, and
// the logs data source (Loki) with the nginx lines of the same window. Built as plain URLs so they work
// from the panel and are tested without Grafana.
import { METRICS } from '../collector/metrics/catalogue';
import type { ViewLink } from './components/DoctorView/Evidence';
import type { TimeWindow } from './model/types';

export interface LinkContext {
  /** Grafana's sub-path (config.appSubUrl), '' at the root. */
  appSubUrl: string;
  window: TimeWindow | null;
  upstream: string | null;
  exploreDatasourceUid: string | null;
  logsDatasourceUid: string | null;
  logsQuery: string;
}

/** A PromQL string literal. */
export function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function rate502Query(upstream: string | null): string {
  const sel = upstream ? `upstream=${promString(upstream)}` : '';
  const req = METRICS.requests.name;
  return (
    `sum by (upstream) (rate(${req}{${sel ? `${sel},` : ''}status="502"}[$__rate_interval]))` +
    ` / sum by (upstream) (rate(${req}{${sel}}[$__rate_interval]))`
  );
}

/** The logs query with `$__upstream` replaced by the upstream, escaped for a LogQL string. */
export function logsQueryFor(template: string, upstream: string | null): string {
  const v = (upstream ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return template.split('$__upstream').join(v);
}

export function exploreUrl(appSubUrl: string, datasourceUid: string, expr: string, w: TimeWindow): string {
  const panes = {
    ud: {
      datasource: datasourceUid,
      queries: [{ refId: 'A', expr, datasource: { uid: datasourceUid } }],
      range: { from: String(Math.floor(w.from)), to: String(Math.ceil(w.to)) },
    },
  };
  const q = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify(panes) });
  return `${appSubUrl.replace(/\/$/, '')}/explore?${q.toString()}`;
}

export function buildLinks(c: LinkContext): ViewLink[] {
  if (!c.window) return [];
  const links: ViewLink[] = [];
  if (c.exploreDatasourceUid) {
    links.push({ title: 'Explore the 502 rate for this window', href: exploreUrl(c.appSubUrl, c.exploreDatasourceUid, rate502Query(c.upstream), c.window) });
  }
  if (c.logsDatasourceUid) {
    links.push({ title: 'nginx logs for this window', href: exploreUrl(c.appSubUrl, c.logsDatasourceUid, logsQueryFor(c.logsQuery, c.upstream), c.window) });
  }
  return links;
}
