// Reduces merged statistics to the plain Signals the diagnosis rules read.
import type { Signals, KernelHit } from '../diagnose/signals';
import type { UpstreamSettings } from '../parse/types';
import type { Aggregator, RangeStats } from '../aggregate/aggregator';
import type { UpstreamStats } from '../aggregate/upstreamStats';

export function toSignals(
  upstream: string,
  st: UpstreamStats,
  range: RangeStats,
  agg: Aggregator,
  settings: UpstreamSettings | null,
  kernelLogRead: boolean,
  logged: Signals['logged'],
): Signals {
  const span = failureSpan(agg, upstream, range);
  const kernel: KernelHit[] = range.kernel.map((k) => ({
    time: k.time,
    kind: k.kind,
    pid: k.pid,
    process: k.process,
    nearFailures: span.failWindows.some((w) => k.time >= w - range.windowMs && k.time < w + 2 * range.windowMs),
  }));
  return {
    upstream,
    from: range.from,
    to: range.to,
    failFrom: span.from,
    failTo: span.to,
    spanAttempts: span.attempts,
    spanRequests: span.requests,
    spanOkAttempts: span.okInFailWindows,
    failWindowCount: span.failWindows.length,
    windowCount: span.windows,
    failsToEnd: span.failsToEnd,
    requests: st.requests,
    status499: st.status499,
    status502: st.status502,
    status504: st.status504,
    status5xx: st.status5xx,
    attempts: st.attempts,
    retries: st.retries,
    reused: st.reused,
    fresh: st.fresh,
    failed: st.failed,
    failedClosed: st.failedClosed,
    failedUnlogged: st.failedUnlogged,
    bodyCuts: st.bodyCuts,
    inferred: st.inferred,
    okAttempts: st.attempts - st.failed - st.bodyStalls - st.bodyCuts,
    pooling: settings ? (settings.keepalive > 0 ? 'yes' : 'no') : 'unknown',
    culprit: culpritOf(upstream, st),
    logged,
    failedReused: st.failedReused,
    failedReusedImmediate: st.failedReusedImmediate,
    failedFresh: st.failedFresh,
    failedConnect: st.failedConnect,
    failedTimeout: st.failedTimeout,
    failedMidRequest: st.failedMidRequest,
    bodyStalls: st.bodyStalls,
    nearReadTimeout: st.nearReadTimeout,
    comebacks: st.comebacks,
    p50: quantile(st, 0.5),
    p95: quantile(st, 0.95),
    p99: quantile(st, 0.99),
    headerP95: st.headerTime.count > 0 ? st.headerTime.getValueAtQuantile(0.95) : NaN,
    proxyReadTimeout: settings ? settings.proxyReadTimeout : null,
    keepalive: settings ? settings.keepalive : null,
    keepaliveTimeout: settings ? settings.keepaliveTimeout : null,
    errors: Object.fromEntries(st.errors),
    kernel,
    kernelLogRead,
    gapReusedOk: [...st.gapRow('reusedOk')],
    gapReusedFail: [...st.gapRow('reusedFail')],
    gapFreshOk: [...st.gapRow('freshOk')],
    gapFreshFail: [...st.gapRow('freshFail')],
    okSizes: [...st.okSizes],
    failSizes: [...st.failSizes],
    episodes: st.episodes.map((e) => ({ ...e })),
  };
}

/**
 * The server to name: the key itself, or, when the key is a group (the access log names no servers),
 * the one server the error log blames for at least two thirds of its failures.
 */
function culpritOf(key: string, st: UpstreamStats): string {
  let total = 0;
  let top = '';
  let topN = 0;
  for (const [server, n] of st.servers) {
    total += n;
    if (n > topN) [top, topN] = [server, n];
  }
  return top && top !== key && topN >= (2 / 3) * total && !st.servers.has(key) ? top : key;
}

function quantile(st: UpstreamStats, q: number): number {
  return st.responseTime.count > 0 ? st.responseTime.getValueAtQuantile(q) : NaN;
}

/** Windows (within the range) in which this upstream failed, and the traffic inside them. */
function failureSpan(agg: Aggregator, upstream: string, range: RangeStats) {
  const failWindows: number[] = [];
  let attempts = 0;
  let requests = 0;
  let okInFailWindows = 0;
  let windows = 0;
  let lastTraffic = NaN;
  for (const [start, ups] of agg.timeline()) {
    if (start < range.from || start >= range.to) continue;
    const st = ups.get(upstream);
    if (!st) continue;
    if (st.attempts > 0 || st.requests > 0) {
      windows++;
      lastTraffic = start;
    }
    const failures = st.failed + st.bodyStalls + st.bodyCuts + st.errorCount('refused') + st.errorCount('reset_by_peer');
    if (failures > 0) {
      failWindows.push(start);
      attempts += st.attempts;
      requests += st.requests;
      okInFailWindows += st.attempts - st.failed - st.bodyStalls - st.bodyCuts;
    }
  }
  const from = failWindows.length ? failWindows[0] : NaN;
  const to = failWindows.length ? failWindows[failWindows.length - 1] + range.windowMs : NaN;
  const failsToEnd = failWindows.length > 0 && failWindows[failWindows.length - 1] === lastTraffic;
  return { failWindows, from, to, attempts, requests, okInFailWindows, windows, failsToEnd };
}
