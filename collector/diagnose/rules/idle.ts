// The three ways a pooled keepalive connection can be dead when nginx picks it. All show as a failure on
// a reused connection (connect time 0.000) right on contact; they differ in how the failures line up
// with the idle gap before them.
import { splitByIdle, type IdleSplit } from '../idle';
import { clamp01, pct, plural, secs, weight } from '../format';
import type { Signals } from '../signals';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';

interface Pooled {
  split: IdleSplit;
  /** Confidence that the failures are reuse-on-contact failures at all. */
  base: number;
  /** Share of failed reuses that came several at once (a whole pool dead together). */
  clustered: number;
  /** Share of reuses idle past the threshold that failed. */
  longFailShare: number;
  headline: string;
}

function pooled(s: Signals): Pooled | null {
  const n = s.failedReusedImmediate;
  if (n < 2) return null;
  const split = splitByIdle(s.gapReusedOk, s.gapReusedFail, s.gapFreshOk);
  if (!split) return null;
  const failures = upstreamFailures(s);
  const base = weight(n) * clamp01(n / failures) * rateWeight(failures, s);
  let inEpisodes = 0;
  let inClusters = 0;
  for (const e of s.episodes) {
    inEpisodes += e.size;
    if (e.size >= 2) inClusters += e.size;
  }
  const headline =
    `${n} of ${plural(failures, 'failure')} on ${s.upstream} were reused keepalive connections ` +
    `(connect 0.000) that failed on contact`;
  return {
    split,
    base,
    clustered: inEpisodes ? inClusters / inEpisodes : 0,
    longFailShare: split.failLong / Math.max(1, split.failLong + split.okLong),
    headline,
  };
}

function nginxKeepsLonger(s: Signals, idle: number): string[] {
  if (s.keepaliveTimeout === null) return [];
  return s.keepaliveTimeout > idle
    ? [`nginx keeps idle upstream connections for ${secs(s.keepaliveTimeout)} (upstream keepalive_timeout), longer than they survive`]
    : [];
}

export function keepaliveIdleRace(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { split } = p;
  // The backend closed idle connections itself, so nginx saw most closes and opened fresh connections
  // after long gaps; only reuses that crossed the close on the wire failed.
  const sawCloses = split.freshLong > 0 ? 1 : 0.3;
  const score = p.base * split.accuracy * p.longFailShare * sawCloses * (1 - 0.6 * p.clustered);
  const evidence = [
    p.headline,
    `failing reuses had been idle ${secs(split.failMin)}–${secs(split.failMax)}; reuses idle up to ${secs(split.okShortMax)} worked`,
  ];
  if (split.freshLong > 0) {
    evidence.push(
      `${plural(split.freshLong, 'request')} idle longer got a fresh connection: the backend closes idle ` +
        `connections after about ${secs(split.failMax)}, and requests sent just before that close raced it`,
    );
  }
  evidence.push(...nginxKeepsLonger(s, split.failMax));
  return { score, evidence };
}

export function middleboxIdleTimeout(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { split } = p;
  // Nothing told nginx the flows were gone: no fresh connections after long gaps, every long reuse failed.
  const silent = split.freshLong === 0 ? 1 : 0.4;
  const score = p.base * split.accuracy * p.longFailShare * silent * (1 - 0.6 * p.clustered);
  const evidence = [
    p.headline,
    `every reuse idle ${secs(split.failMin)} or longer failed (${split.failLong} of ${split.failLong + split.okLong}); ` +
      `reuses idle up to ${secs(split.okShortMax)} worked (${split.reusedOk})`,
    `a fixed idle interval between ${secs(split.okShortMax)} and ${secs(split.failMin)} kills connections without nginx noticing: ` +
      'a load balancer, firewall or NAT idle timeout',
    ...nginxKeepsLonger(s, split.failMin),
  ];
  return { score, evidence };
}

export function keepaliveReuseClosed(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return NONE;
  const { split } = p;
  const unordered = 1 - split.accuracy * p.longFailShare;
  const score = p.base * Math.max(p.clustered, unordered);
  const bursts = s.episodes.filter((e) => e.size >= 2);
  const evidence = [p.headline];
  if (bursts.length > 0) {
    const sizes = bursts.map((e) => e.size);
    evidence.push(
      `${plural(bursts.length, 'idle period')} ended with several pooled connections failing at once ` +
        `(${sizes.join(', ')} failures), after ${bursts.map((e) => secs(e.gap)).join(', ')} idle`,
    );
  }
  if (split.okLong > 0) {
    evidence.push(
      `no fixed idle interval explains it: ${pct(split.okLong, split.okLong + split.failLong)} of reuses idle ` +
        `${secs(split.threshold)} or longer still worked`,
    );
  }
  evidence.push('the backend dropped pooled connections without closing them (restart behind NAT, connection limit)');
  return { score, evidence };
}
