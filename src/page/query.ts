// The page's state in its URL (?from=&to=&upstream=&theme=&refresh=), so a drilled-down view can be
// reloaded, bookmarked and pasted into a ticket.

export interface PageQuery {
  from?: number;
  to?: number;
  upstream?: string;
}

export interface PageParams {
  query: PageQuery;
  theme: 'dark' | 'light' | null;
  /** 0 turns refreshing off. */
  refreshMs: number;
}

export const DEFAULT_REFRESH_MS = 15_000;

/** RFC 3339 or epoch milliseconds, as the collector's API takes them; anything else is ignored. */
export function parseTime(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : undefined;
}

export function readParams(search: string): PageParams {
  const p = new URLSearchParams(search);
  const from = parseTime(p.get('from'));
  const to = parseTime(p.get('to'));
  const query: PageQuery = {};
  if (from !== undefined && to !== undefined && to > from) {
    query.from = from;
    query.to = to;
  }
  const upstream = p.get('upstream');
  if (upstream) query.upstream = upstream;
  const theme = p.get('theme');
  const refresh = p.get('refresh');
  const seconds = refresh === null ? NaN : Number(refresh);
  return {
    query,
    theme: theme === 'dark' || theme === 'light' ? theme : null,
    refreshMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_REFRESH_MS,
  };
}

export function writeParams(p: PageParams): string {
  const out = new URLSearchParams();
  if (p.query.from !== undefined && p.query.to !== undefined) {
    out.set('from', new Date(p.query.from).toISOString());
    out.set('to', new Date(p.query.to).toISOString());
  }
  if (p.query.upstream) out.set('upstream', p.query.upstream);
  if (p.theme) out.set('theme', p.theme);
  if (p.refreshMs !== DEFAULT_REFRESH_MS) out.set('refresh', String(Math.round(p.refreshMs / 1000)));
  const s = out.toString();
  return s ? `?${s}` : '';
}
