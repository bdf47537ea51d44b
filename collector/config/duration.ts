// Durations in config files and flags: `250ms`, `10s`, `5m`, `2h`, or a bare number of seconds.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or NaN when the text is not a duration. */
export function parseDurationMs(text: string | number): number {
  if (typeof text === 'number') return text >= 0 ? text * 1000 : NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * UNITS[m[2] ?? 's'];
}
