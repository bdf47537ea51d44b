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

function quantile(st: UpstreamStats, q: number): number {
  return st.responseTime.count > 0 ? st.responseTime.getValueAtQuantile(q) : NaN;
}

/** Windows (within the range) in which this upstream failed, and the traffic inside them. */
function failureSpan(agg: Aggregator, upstream: string, range: RangeStats) {
  const failWindows: number[] = [];
  let attempts = 0;
  let requests = 0;
  for (const [start, ups] of agg.timeline()) {
    if (start < range.from || start >= range.to) continue;
    const st = ups.get(upstream);
    if (!st) continue;
    const failures = st.failed + st.bodyStalls + st.errorCount('refused') + st.errorCount('reset_by_peer');
    if (failures > 0) {
      failWindows.push(start);
      attempts += st.attempts;
      requests += st.requests;
    }
  }
  const from = failWindows.length ? failWindows[0] : NaN;
  const to = failWindows.length ? failWindows[failWindows.length - 1] + range.windowMs : NaN;
  return { failWindows, from, to, attempts, requests };
}
