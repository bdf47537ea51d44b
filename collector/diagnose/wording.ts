// Number formatting for evidence lines: what an on-call engineer reads at 3 a.m.

export function secs(s: number): string {
  if (!Number.isFinite(s)) return s > 0 ? '∞' : '–';
  if (s >= 100) return `${Math.round(s)} s`;
  if (s >= 10) return `${s.toFixed(0)} s`;
  if (s >= 1) return `${s.toFixed(1)} s`;
  if (s >= 0.1) return `${s.toFixed(2)} s`;
  return `${Math.round(s * 1000)} ms`;
}

export function bytes(b: number): string {
  if (!Number.isFinite(b)) return '∞';
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(1)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(b >= 10 << 10 ? 0 : 1)} KiB`;
  return `${Math.round(b)} B`;
}

export function pct(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  const p = (100 * part) / whole;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)} %`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function clamp01(x: number): number {
  return x <= 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 : x;
}

/** Confidence from a count: one event is an anecdote, three make a pattern. */
export function weight(n: number, full = 3): number {
  return clamp01(n / full);
}
