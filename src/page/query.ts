// The page's state in its URL (?from=&to=&upstream=&theme=&refresh=), so a drilled-down view can be
// reloaded, bookmarked and pasted into a ticket. A URL is typed, pasted and edited by hand: every value is
// checked and clamped here, and one that cannot be used is dropped, so no URL can blank the page or make
// it hammer the collector.

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
/** A wall of tabs each asking a few times a second would load the collector more than nginx does. */
export const MIN_REFRESH_MS = 5_000;
export const MAX_REFRESH_MS = 3_600_000;
/** Times the page accepts: from 1970 to the end of year 9999, which every Date and ISO string can hold. */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Longer than the collector keeps history (2 h by default) many times over; beyond it a URL is a typo. */
export const MAX_SPAN_MS = 31 * 24 * 3_600_000;
/** The collector refuses longer upstream names; asking would only bring an error. */
export const MAX_UPSTREAM_LENGTH = 256;

/** RFC 3339 or epoch milliseconds, as the collector's API takes them, within the range above; else undefined. */
export function parseTime(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = /^\d{1,15}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  return Number.isFinite(n) && n >= MIN_TIME_MS && n <= MAX_TIME_MS ? n : undefined;
}

/** Whole seconds as written in the URL → milliseconds: 0 is off, anything else within [MIN, MAX]; junk → default. */
export function parseRefresh(v: string | null): number {
  if (v === null || v.trim() === '') return DEFAULT_REFRESH_MS;
  const seconds = Number(v);
  if (!Number.isFinite(seconds) || seconds < 0) return DEFAULT_REFRESH_MS;
  if (seconds === 0) return 0;
  return Math.round(Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, seconds * 1000)) / 1000) * 1000;
}

/** A window the page can ask for: both ends valid, in order, and not absurdly long. */
export function validWindow(from: number | undefined, to: number | undefined): boolean {
  return from !== undefined && to !== undefined && to > from && to - from <= MAX_SPAN_MS;
}

export function readParams(search: string): PageParams {
  const p = new URLSearchParams(search);
  const from = parseTime(p.get('from'));
  const to = parseTime(p.get('to'));
  const query: PageQuery = {};
  if (validWindow(from, to)) {
    query.from = from;
    query.to = to;
  }
  const upstream = p.get('upstream');
  if (upstream && upstream.length <= MAX_UPSTREAM_LENGTH) query.upstream = upstream;
  const theme = p.get('theme');
  return {
    query,
    theme: theme === 'dark' || theme === 'light' ? theme : null,
    refreshMs: parseRefresh(p.get('refresh')),
  };
}

export function writeParams(p: PageParams): string {
  const out = new URLSearchParams();
  // A window chosen on a chart is always valid; one that is not is left out rather than thrown on.
  if (validWindow(p.query.from, p.query.to) && p.query.from! >= MIN_TIME_MS && p.query.to! <= MAX_TIME_MS) {
    out.set('from', new Date(p.query.from!).toISOString());
    out.set('to', new Date(p.query.to!).toISOString());
  }
  if (p.query.upstream) out.set('upstream', p.query.upstream);
  if (p.theme) out.set('theme', p.theme);
  if (p.refreshMs !== DEFAULT_REFRESH_MS) out.set('refresh', String(Math.round(p.refreshMs / 1000)));
  const s = out.toString();
  return s ? `?${s}` : '';
}
