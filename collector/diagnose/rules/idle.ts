// The three ways a pooled keepalive connection can be dead when nginx picks it. All show as a failure on
// a reused connection (connect time 0.000) within a round trip; they differ in how the failures line up
// with the idle gap before them (see ../idle.ts).
import { analyzeIdle, type IdleAnalysis } from '../idle';
import { clamp01, plural, secs, weight } from '../format';
import type { Signals } from '../signals';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';

interface Pooled {
  idle: IdleAnalysis;
  /** Confidence that the upstream's failures are dead-on-contact reuses at all. */
  base: number;
  /** Share of such failures that came several at once (a whole pool dead together). */
  clustered: number;
  headline: string;
}

// The three rules read the same analysis of the same signals; compute it once per Signals object.
const analysed = new WeakMap<Signals, Pooled | null>();

function pooled(s: Signals): Pooled | null {
  if (!analysed.has(s)) analysed.set(s, analysePool(s));
  return analysed.get(s)!;
}

function analysePool(s: Signals): Pooled | null {
  const n = s.failedReusedImmediate;
  if (n < 2) return null;
  const idle = analyzeIdle(s.gapReusedOk, s.gapReusedFail, s.gapFreshOk);
  if (!idle) return null;
  const failures = upstreamFailures(s);
  let inEpisodes = 0;
  let inClusters = 0;
  for (const e of s.episodes) {
    inEpisodes += e.size;
    if (e.size >= 2) inClusters += e.size;
  }
  return {
    idle,
    base: weight(n) * clamp01(n / failures) * rateWeight(failures, s),
    clustered: inEpisodes ? inClusters / inEpisodes : 0,
    headline:
      `${n} of ${plural(failures, 'failure')} on ${s.upstream} were reused keepalive connections ` +
      '(connect 0.000) that were dead when nginx used them',
  };
}

function nginxKeepsLonger(s: Signals, idle: number): string[] {
  if (s.keepaliveTimeout === null || !(s.keepaliveTimeout > idle)) return [];
  return [`nginx keeps idle upstream connections for ${secs(s.keepaliveTimeout)} (upstream keepalive_timeout), longer than that`];
}

export function keepaliveIdleRace(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { idle } = p;
  // Longer idle working again means nginx saw the backend's close and stopped using those connections:
  // only requests sent just before the close lost the race.
  const seenCloses = idle.okAboveBand > 0 ? 1 : 0.3;
  const score = p.base * idle.bandAccuracy * seenCloses * (1 - 0.6 * p.clustered);
  const evidence = [
    p.headline,
    `they had been idle ${secs(idle.bandLo)}–${secs(idle.bandHi)}; shorter idle worked, and ` +
      (idle.okAboveBand > 0
        ? `${plural(idle.okAboveBand, 'request')} idle longer worked again`
        : 'nothing idle longer was seen'),
  ];
  if (idle.okAboveBand > 0) {
    evidence.push(
      `the backend closes idle connections after about ${secs(idle.bandHi)}; nginx notices the close unless it ` +
        'sends a request at that very moment',
    );
  }
  evidence.push(...nginxKeepsLonger(s, idle.bandHi));
  return { score, evidence };
}

export function middleboxIdleTimeout(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { idle } = p;
  // Nothing told nginx the flows were gone: every reuse past the interval failed, none worked.
  const silent = idle.okAboveThreshold === 0 ? 1 : 0.4;
  const score = p.base * idle.thresholdAccuracy * silent * (1 - 0.6 * p.clustered);
  const evidence = [
    p.headline,
    `every reuse idle ${secs(idle.threshold)} or longer failed (${idle.failAboveThreshold} of ` +
      `${idle.failAboveThreshold + idle.okAboveThreshold}); idle up to ${secs(idle.okBelowMax)} worked (${idle.oks})`,
    `a fixed idle interval between ${secs(idle.okBelowMax)} and ${secs(idle.threshold)} kills flows without ` +
      'nginx noticing: a load balancer, firewall or NAT idle timeout',
    ...nginxKeepsLonger(s, idle.threshold),
  ];
  return { score, evidence };
}

export function keepaliveReuseClosed(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { idle } = p;
  const unordered = 1 - idle.bandAccuracy;
  const score = p.base * clamp01(Math.max(p.clustered, 2 * unordered));
  const bursts = s.episodes.filter((e) => e.size >= 2);
  const evidence = [p.headline];
  if (bursts.length > 0) {
    evidence.push(
      `${plural(bursts.length, 'quiet spell')} ended with several pooled connections failing at once ` +
        `(${bursts.map((e) => e.size).join(', ')} failures, after ${bursts.map((e) => secs(e.gap)).join(', ')} idle)`,
    );
  }
  if (unordered > 0.1) {
    evidence.push(`no idle interval explains them: attempts idle as long as the failing ones worked too`);
  }
  evidence.push('the backend dropped pooled connections without closing them (restart behind NAT, connection limit)');
  return { score, evidence };
}
