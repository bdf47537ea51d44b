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
