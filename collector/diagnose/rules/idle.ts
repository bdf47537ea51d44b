// The three ways a pooled keepalive connection can be dead when nginx picks it. All show as a failure on
// a reused connection (connect time 0.000) within a round trip; they differ in how the failures line up
// with the idle gap before them (see ../idle.ts).
import { analyzeIdle, type IdleAnalysis } from '../idle';
import { clamp01, plural, secs, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { unloggedPool } from './pooledUnlogged';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';

interface Pooled {
  idle: IdleAnalysis;
  /**
   * How the dead connections ended, from the error log: share of FIN-style closes ("upstream prematurely
   * closed connection", EPIPE) among FIN and RST (104 reset by peer) on the header phases. A backend closing
   * its own idle connection sends a FIN; a middlebox that forgot the flow answers with a RST. NaN without
   * such lines (no error log, or nothing logged at that level).
   */
  finShare: number;
  fins: number;
  resets: number;
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
  const fins = errorsOf(s, 'prematurely_closed', 'reading_response_header') + errorsOf(s, 'broken_pipe', 'sending_request');
  const resets = errorsOf(s, 'reset_by_peer', 'reading_response_header') + errorsOf(s, 'reset_by_peer', 'sending_request');
  return {
    idle,
    finShare: fins + resets >= 2 ? fins / (fins + resets) : NaN,
    fins,
    resets,
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

/** 1 when the error log agrees with `want` (FIN or RST), falling to `floor` when it says the opposite; 1 without one. */
function endingFit(p: Pooled, want: 'fin' | 'rst', floor = 0.35): number {
  if (Number.isNaN(p.finShare)) return 1;
  const share = want === 'fin' ? p.finShare : 1 - p.finShare;
  return floor + (1 - floor) * share;
}

function endingEvidence(p: Pooled): string[] {
  if (Number.isNaN(p.finShare)) return [];
  if (p.finShare >= 0.7) return [`error log: ${plural(p.fins, 'close')} by the backend ("upstream prematurely closed connection"), ${p.resets} reset by peer: the backend closed the connections itself`];
  if (p.finShare <= 0.3) return [`error log: ${p.resets} "recv() failed (104: Connection reset by peer)", ${p.fins} closed by the backend: something answered with a reset`];
  return [];
}

export function keepaliveIdleRace(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return unloggedPool(s, 'keepalive_idle_race');
  const { idle } = p;
  const inBand = idle.fails - idle.failOutsideBand;
  if (inBand === 0) return NONE;
  // Longer idle working again means nginx saw the backend's close and stopped using those connections:
  // only requests sent just before the close lost the race. A lone success past the band proves little.
  const seenCloses = 0.3 + 0.7 * clamp01(idle.okAboveBand / Math.max(2, inBand));
  const score = p.base * idle.bandAccuracy * seenCloses * (1 - 0.6 * p.clustered) * endingFit(p, 'fin');
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
  evidence.push(...endingEvidence(p), ...nginxKeepsLonger(s, idle.bandHi));
  return { score, evidence };
}

export function middleboxIdleTimeout(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return unloggedPool(s, 'middlebox_idle_timeout');
  const { idle } = p;
  // The threshold must explain the failures: at least two of them idle past it, most of them.
  if (idle.failAboveThreshold < 2) return NONE;
  const explained = idle.failAboveThreshold / idle.fails;
  // Nothing told nginx the flows were gone: every reuse past the interval failed, none worked.
  const silent = idle.failAboveThreshold / (idle.failAboveThreshold + idle.okAboveThreshold);
  const score = p.base * idle.thresholdAccuracy * explained * silent * silent * (1 - 0.6 * p.clustered) * endingFit(p, 'rst');
  const evidence = [
    p.headline,
    `${idle.okAboveThreshold === 0 ? 'every' : 'nearly every'} reuse idle ${secs(idle.threshold)} or longer failed (${idle.failAboveThreshold} of ` +
      `${idle.failAboveThreshold + idle.okAboveThreshold}); idle up to ${secs(idle.okBelowMax)} worked (${idle.oks - idle.okAboveThreshold})`,
    `a fixed idle interval between ${secs(idle.okBelowMax)} and ${secs(idle.threshold)} kills flows without ` +
      'nginx noticing: a load balancer, firewall or NAT idle timeout',
    ...endingEvidence(p),
    ...nginxKeepsLonger(s, idle.threshold),
  ];
  return { score, evidence };
}

export function keepaliveReuseClosed(s: Signals): Finding {
  const p = pooled(s);
  if (!p) return unloggedPool(s, 'keepalive_reuse_closed');
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
