import type { Signals } from '../signals';
import { THRESHOLDS } from '../thresholds';

export interface Finding {
  /** 0..1: how well this cause explains what the upstream did. */
  score: number;
  /** Sentences with figures, most telling first. */
  evidence: string[];
}

export type Rule = (s: Signals) => Finding;

export const NONE: Finding = { score: 0, evidence: [] };

/** Failures the upstream is to blame for: failed attempts plus responses that stalled mid-body. */
export function upstreamFailures(s: Signals): number {
  return s.failed + s.bodyStalls + s.bodyCuts;
}

/**
 * How much a failure count matters given the traffic around it: a handful of failures inside busy
 * windows is noise, the same handful on a quiet upstream is the story. Reaches 1 at a 1 % failure rate
 * (the seed's "sustained 502 rate > 1 %" warning line) within the failure windows.
 */
export function rateWeight(failures: number, s: Signals): number {
  const denom = Math.max(s.spanAttempts, s.spanRequests, failures, 1);
  return Math.min(1, failures / denom / THRESHOLDS.rate502);
}
