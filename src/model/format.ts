// Number and time formatting for the view, on top of the collector's own evidence formatting so the
// panel and the terminal report write the same figures the same way.
import { bytes as fmtBytes, pct as fmtPct, secs } from '../../collector/diagnose/wording';

/** A 0..1 share as a percentage; tiny non-zero shares are not rounded down to "0 %". */
export function pct(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  if (share > 0 && share < 0.001) return '<0.1 %';
  return fmtPct(share, 1);
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  return secs(s);
}

export function bytes(b: number | null | undefined): string {
  if (b === null || b === undefined || !Number.isFinite(b)) return '–';
  return fmtBytes(b);
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k`;
  return String(Math.round(n));
}

/** HH:MM:SS in UTC: the log lines' own clock, the same on every screen on the wall. */
export function utcTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return new Date(ms).toISOString().slice(11, 19);
}

export function utcDateTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** HH:MM UTC — "since" on the wall; with the date too when it is not the UTC day of `ref`. */
export function utcClock(ms: number, ref: number = ms): string {
  if (!Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  const sameDay = Number.isFinite(ref) && new Date(ref).toISOString().slice(0, 10) === iso.slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/** A duration the way a person says it: "40 s", "14 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
