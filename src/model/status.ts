// Which tone a verdict or a figure gets. Pure, so the thresholds are tested once for both the panel and the page.
import type { Tone } from '../components/DoctorView/palette';
import type { Thresholds } from '../options';
import type { Verdict } from './types';

export function verdictTone(v: Verdict | null): Tone {
  if (!v) return 'unknown';
  // Green only for a healthy verdict: failures still being weighed, or matching nothing, need a look.
  if (v.status === 'healthy') return 'ok';
  if (v.status === 'collecting' || v.status === 'unexplained') return 'warn';
  // Clients hanging up is worth knowing but is not an upstream failure.
  if (v.cause === 'client_abort') return 'warn';
  return 'bad';
}

/** Above `warn` is a warning, at or above `bad` (when given) a failure. */
export function thresholdTone(value: number | null, warn: number, bad?: number): Tone {
  if (value === null || !Number.isFinite(value)) return 'unknown';
  if (bad !== undefined && value >= bad) return 'bad';
  return value > warn ? 'warn' : 'ok';
}

export function rate502Tone(rate: number | null, t: Thresholds): Tone {
  // Past the line 502s are failures the wall must show as such; below it they are noise.
  if (rate === null || !Number.isFinite(rate)) return 'unknown';
  return rate > t.rate502 ? 'bad' : 'ok';
}

export function p95Tone(p95: number | null, readTimeout: number | null, t: Thresholds): Tone {
  if (p95 === null || !readTimeout) return 'unknown';
  return thresholdTone(p95 / readTimeout, t.p95Share, 1);
}

export function writingTone(share: number | null, t: Thresholds): Tone {
  return thresholdTone(share, t.writingShare);
}
