// Durations in config files and flags, one syntax for every command: `250ms`, `10s`, `5m`, `2h`, `1d`, or a
// bare number of seconds. Each setting also has a range: a window of 1e300 seconds is a typo, not a wish.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or NaN when the text is not a duration. */
export function parseDurationMs(text: string | number): number {
  if (typeof text === 'number') return text >= 0 && Number.isFinite(text) ? text * 1000 : NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * UNITS[m[2] ?? 's'];
}

/** Shortest unit-carrying text for a number of milliseconds (`90000` → `90s`, `7200000` → `2h`). */
export function formatDurationMs(ms: number): string {
  for (const [unit, size] of [['d', UNITS.d], ['h', UNITS.h], ['m', UNITS.m], ['s', UNITS.s]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export interface DurationRange {
  minMs: number;
  maxMs: number;
}

/**
 * The duration in milliseconds, or an error message naming the setting, the accepted syntax and range.
 * Callers turn the message into their own error type (a usage error for flags, a config error for files).
 */
export function checkDuration(v: unknown, name: string, range: DurationRange): number | string {
  const ms = typeof v === 'number' || typeof v === 'string' ? parseDurationMs(v) : NaN;
  if (ms >= range.minMs && ms <= range.maxMs) return ms;
  const between = `from ${formatDurationMs(range.minMs)} to ${formatDurationMs(range.maxMs)}`;
  return Number.isNaN(ms)
    ? `${name}: expected a duration like 10s, 5m or 2h (or bare seconds), got ${JSON.stringify(v)}`
    : `${name}: expected a duration ${between}, got ${JSON.stringify(v)}`;
}
