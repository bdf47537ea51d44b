// Turns parsed records into per-window, per-upstream statistics. Windows are placed by the times written
// in the log lines, so replaying a file and tailing it live give the same windows.
import type { AccessRecord, Attempt, ErrorEvent, KernelEvent, UpstreamSettings } from '../parse/types';
import { CONNECT_BOUNDS_S, GAP_BOUNDS_S, SIZE_BOUNDS_B, bucketIndex } from './buckets';
import { classifyAttempt, type AttemptClass, type Pooling } from './classify';
import { UpstreamStats, type Episode } from './upstreamStats';

/** What the aggregator concluded about one attempt. Exporters count these rather than re-deriving them. */
export interface AttemptOutcome extends AttemptClass {
  /** The address, or `other` once the cardinality cap folded it. */
  upstream: string;
  attempt: Attempt;
  /** The first success after refused connects: the upstream came back. */
  comeback: boolean;
  readTimeoutS: number;
}

/** Hooks for exporters that count as records arrive (Prometheus, Netdata). */
export interface AggregatorListener {
  attempt?(o: AttemptOutcome): void;
  /** A client request, under the upstream of its last attempt (or '-'). */
  request?(upstream: string, rec: AccessRecord): void;
  error?(upstream: string, ev: ErrorEvent): void;
  /** A kernel event, once per kill (duplicates already dropped). */
  kernel?(ev: KernelEvent): void;
  /** An address that did not fit under the cardinality cap. */
  folded?(addr: string): void;
}

export interface AggregatorOptions {
  /** Window length in ms (default 10 s). Doubles whenever more than `maxWindows` windows exist. */
  windowMs?: number;
  maxWindows?: number;
  /** Distinct upstream addresses kept; the rest fold into `other` so a misconfigured fleet cannot blow memory. */
  maxUpstreams?: number;
  /** Where nginx's proxy_read_timeout for an address comes from (the nginx config); default 60 s. */
  settingsFor?: (addr: string) => UpstreamSettings | null;
  /**
   * Live mode: keep windows for this long behind the newest line and drop older ones, instead of
   * coarsening windows as a whole-file read does.
   */
  retainMs?: number;
  listener?: AggregatorListener;
}

/** Requests that never reached an upstream (static files, cache hits, early 4xx) are kept under this key. */
export const NO_UPSTREAM = '-';
export const FOLDED_UPSTREAM = 'other';
const DEFAULT_READ_TIMEOUT_S = 60;
/** Failed reused attempts that start this close together hit the pool at the same moment: one episode. */
const EPISODE_SPAN_MS = 250;
const MAX_KERNEL_EVENTS = 10_000;

interface UpstreamRun {
  /** The stats key: the address, or `other` when folded. */
  key: string;
  /** End (epoch ms) of the latest attempt seen on this upstream; NaN before the first. */
  lastEnd: number;
  episode: Episode | null;
  readTimeoutS: number;
  /** Fastest response header seen: the round trip plus the least work the backend does. */
  minHeader: number;
  /** The latest attempt could not connect; the next success means the upstream came back. */
  refusing: boolean;
  pooling: Pooling;
}

export interface RangeStats {
  from: number;
  to: number;
  windowMs: number;
  byUpstream: Map<string, UpstreamStats>;
  kernel: KernelEvent[];
}

export class Aggregator {
  windowMs: number;
  readonly maxWindows: number;
  readonly maxUpstreams: number;
  private readonly settingsFor: (addr: string) => UpstreamSettings | null;
  private readonly retainMs: number;
  private readonly listener: AggregatorListener;
  private windows = new Map<number, Map<string, UpstreamStats>>();
  private lastStart = NaN;
  private lastWindow: Map<string, UpstreamStats> | null = null;
  private runs = new Map<string, UpstreamRun>();
  readonly kernel: KernelEvent[] = [];
  minTime = Infinity;
  maxTime = -Infinity;
  /** Attempts whose address was folded into `other` by the cardinality cap. */
  foldedAttempts = 0;
  droppedKernelEvents = 0;

  constructor(opts: AggregatorOptions = {}) {
    this.windowMs = opts.windowMs ?? 10_000;
    this.maxWindows = opts.maxWindows ?? 720;
    this.maxUpstreams = opts.maxUpstreams ?? 64;
    this.settingsFor = opts.settingsFor ?? (() => null);
    this.retainMs = opts.retainMs ?? Infinity;
    this.listener = opts.listener ?? {};
  }

  addAccess(rec: AccessRecord): void {
    const end = rec.time;
    this.seeTime(end);
    const windowStats = this.windowAt(end);
    const start = rec.requestTime >= 0 ? end - rec.requestTime * 1000 : end;
    // The client-facing status belongs to the upstream of the last attempt (or to '-' without one).
    let last: UpstreamStats | undefined;
    let lastKey = NO_UPSTREAM;
    let attemptStart = start;
    for (let i = 0; i < rec.attempts.length; i++) {
      const a = rec.attempts[i];
      const run = this.runFor(a.addr);
      lastKey = run.key;
      last = this.statsFor(windowStats, run.key);
      attemptStart = this.addAttempt(run.key, last, run, rec, a, i, attemptStart);
    }
    countRequest(last ?? this.statsFor(windowStats, NO_UPSTREAM), rec);
    this.listener.request?.(lastKey, rec);
  }

  /** An error-log event; `server` is the server the line named, when the event is kept under its group. */
  addError(ev: ErrorEvent, server = ev.upstreamAddr): void {
    this.seeTime(ev.time);
    const key = ev.upstreamAddr ? this.upstreamKey(ev.upstreamAddr) : NO_UPSTREAM;
    const st = this.statsFor(this.windowAt(ev.time), key);
    st.countError(`${ev.cls}/${ev.phase}`);
    if (server && ev.side === 'upstream' && ev.cls !== 'other') st.countServer(server);
    this.listener.error?.(key, ev);
    if (ev.cls !== 'other') {
      st.addErrorSample({ time: ev.time, cls: ev.cls, phase: ev.phase, message: ev.message, request: ev.request });
    }
  }

  addKernel(ev: KernelEvent): void {
    // The OOM killer reports one kill in several lines (the summary, `oom-kill:`, `oom_reaper:`).
    const dup = this.kernel.some(
      (k) => k.pid === ev.pid && !Number.isNaN(ev.pid) && Math.abs(k.time - ev.time) <= 5000 && k.kind === ev.kind,
    );
    if (dup) return;
    if (this.kernel.length >= MAX_KERNEL_EVENTS) {
      this.droppedKernelEvents++;
      return;
    }
    this.kernel.push(ev);
    this.listener.kernel?.(ev);
  }

  /** Merged statistics for windows starting in [from, to) (whole range when omitted). */
  range(from = -Infinity, to = Infinity, upstream?: string): RangeStats {
    const byUpstream = new Map<string, UpstreamStats>();
    let lo = Infinity;
    let hi = -Infinity;
    for (const [start, ups] of this.windows) {
      if (start + this.windowMs <= from || start >= to) continue;
      lo = Math.min(lo, start);
      hi = Math.max(hi, start + this.windowMs);
      for (const [key, st] of ups) {
        if (upstream !== undefined && key !== upstream) continue;
        let into = byUpstream.get(key);
        if (!into) byUpstream.set(key, (into = new UpstreamStats()));
        into.merge(st);
      }
    }
    const kernel = this.kernel.filter((k) => k.time >= lo - this.windowMs && k.time < hi + this.windowMs);
    return { from: lo, to: hi, windowMs: this.windowMs, byUpstream, kernel };
  }

  /** Window starts in time order, with each window's per-upstream stats. */
  timeline(): Array<[number, Map<string, UpstreamStats>]> {
    return [...this.windows.entries()].sort((a, b) => a[0] - b[0]);
  }

  upstreams(): string[] {
    return [...this.runs.keys()];
  }

  /** Reads every upstream's settings again (the nginx config was re-read). */
  refreshSettings(): void {
    for (const [key, run] of this.runs) {
      if (key === FOLDED_UPSTREAM) continue;
      const settings = this.settingsFor(key);
      run.readTimeoutS = settings?.proxyReadTimeout ?? DEFAULT_READ_TIMEOUT_S;
      run.pooling = settings ? (settings.keepalive > 0 ? 'yes' : 'no') : 'unknown';
    }
  }

  private addAttempt(
    key: string,
    st: UpstreamStats,
    run: UpstreamRun,
    rec: AccessRecord,
    a: Attempt,
    index: number,
    attemptStart: number,
  ): number {
    const readTimeout = run.readTimeoutS;
    const c = classifyAttempt(a, index, { readTimeoutS: readTimeout, minHeaderS: run.minHeader, pooling: run.pooling });
    const { reused, fresh, failed, stalled, onContact } = c;
    st.attempts++;
    if (c.inferred) st.inferred++;
    if (c.retry) st.retries++;
    if (reused) st.reused++;
    else if (fresh) st.fresh++;
    if (a.connect >= 0) st.connectBuckets[bucketIndex(CONNECT_BOUNDS_S, a.connect)]++;
    if (a.response >= 0) st.responseTime.accept(a.response);
    if (a.header >= 0) st.headerTime.accept(a.header);
    if (c.nearReadTimeout) st.nearReadTimeout++;

    const gap = run.lastEnd < attemptStart ? (attemptStart - run.lastEnd) / 1000 : Number.isNaN(run.lastEnd) ? NaN : 0;
    const attemptEnd = attemptStart + (a.response >= 0 ? a.response * 1000 : 0);
    if (!(run.lastEnd >= attemptEnd)) run.lastEnd = attemptEnd;
    const gapBucket = gap >= 0 ? bucketIndex(GAP_BOUNDS_S, gap) : -1;
    let comeback = false;

    const cutShort = c.cut;
    if (failed || stalled || cutShort) {
      // What a cut or stalled response had delivered: the upstream bytes, else what reached the client.
      const bytes = a.bytesReceived >= 0 ? a.bytesReceived : cutShort && rec.bytesSent >= 0 ? rec.bytesSent : 0;
      if (bytes > 0) st.failSizes[bucketIndex(SIZE_BOUNDS_B, bytes)]++;
      st.addSample({
        time: rec.time,
        request: clip(rec.request),
        status: rec.status,
        attemptStatus: a.status,
        connect: a.connect,
        header: a.header,
        response: a.response,
        gap,
        bytes,
      });
    }
    if (stalled) st.bodyStalls++;
    if (cutShort) st.bodyCuts++;
    if (failed) {
      st.failed++;
      if (a.status === 504) st.failedTimeout++;
      if (c.kind === 'mid_request') st.failedMidRequest++;
      if (c.kind === 'closed') {
        st.failedClosed++;
        // Without connect times, deaths at the same moment are still told from deaths one by one.
        this.trackEpisode(st, run, attemptStart, NaN);
      }
      if (c.kind === 'unlogged') st.failedUnlogged++;
      if (reused) st.failedReused++;
      else if (fresh) st.failedFresh++;
      if (c.kind === 'connect') {
        st.failedConnect++;
        run.refusing = true;
      }
      // Only a reused connection that fails on first contact says something about idle time; one that
      // dies mid-request was alive when picked.
      if (reused && onContact) {
        st.failedReusedImmediate++;
        this.trackEpisode(st, run, attemptStart, gap);
        if (gapBucket >= 0) st.addGap('reusedFail', gapBucket);
      } else if (fresh && gapBucket >= 0) st.addGap('freshFail', gapBucket);
    } else {
      if (a.header >= 0 && a.header < run.minHeader) run.minHeader = a.header;
      if (run.refusing && a.status > 0) {
        st.comebacks++;
        run.refusing = false;
        comeback = true;
      }
      if (gapBucket >= 0 && (reused || fresh)) st.addGap(reused ? 'reusedOk' : 'freshOk', gapBucket);
      if (!stalled && !cutShort && a.status >= 200 && a.status < 300) {
        const size = a.bytesReceived >= 0 ? a.bytesReceived : index === rec.attempts.length - 1 ? rec.bytesSent : NaN;
        if (size >= 0) st.okSizes[bucketIndex(SIZE_BOUNDS_B, size)]++;
      }
    }
    this.listener.attempt?.({ ...c, upstream: key, attempt: a, comeback, readTimeoutS: readTimeout });
    return attemptEnd;
  }

  private trackEpisode(st: UpstreamStats, run: UpstreamRun, start: number, gap: number): void {
    const ep = run.episode;
    if (ep && start - ep.start <= EPISODE_SPAN_MS && start >= ep.start - EPISODE_SPAN_MS) {
      ep.size++;
      if (!(ep.gap >= gap)) ep.gap = gap;
      return;
    }
    run.episode = { start, gap, size: 1 };
    st.addEpisode(run.episode);
  }

  private seeTime(t: number): void {
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  private windowAt(t: number): Map<string, UpstreamStats> {
    const start = Math.floor(t / this.windowMs) * this.windowMs;
    // Lines arrive in time order, so nearly every line lands in the window of the line before.
    if (start === this.lastStart && this.lastWindow) return this.lastWindow;
    let w = this.windows.get(start);
    if (!w) {
      if (Number.isFinite(this.retainMs)) this.evictBefore(Math.max(t, this.maxTime) - this.retainMs);
      if (this.windows.size >= this.maxWindows) {
        this.coarsen();
        return this.windowAt(t);
      }
      this.windows.set(start, (w = new Map()));
    }
    this.lastStart = start;
    this.lastWindow = w;
    return w;
  }

  /** Live mode: forget windows (and kernel events) that ended before `t`. */
  private evictBefore(t: number): void {
    this.lastWindow = null;
    for (const start of this.windows.keys()) if (start + this.windowMs <= t) this.windows.delete(start);
    while (this.kernel.length && this.kernel[0].time < t) this.kernel.shift();
  }

  /** Doubles the window length, merging neighbours, so a long log keeps bounded memory. */
  private coarsen(): void {
    this.lastWindow = null;
    this.windowMs *= 2;
    const old = this.windows;
    this.windows = new Map();
    for (const [start, ups] of old) {
      const merged = Math.floor(start / this.windowMs) * this.windowMs;
      let into = this.windows.get(merged);
      if (!into) this.windows.set(merged, (into = new Map()));
      for (const [key, st] of ups) {
        const have = into.get(key);
        if (have) have.merge(st);
        else into.set(key, st);
      }
    }
  }

  private statsFor(w: Map<string, UpstreamStats>, key: string): UpstreamStats {
    let st = w.get(key);
    if (!st) w.set(key, (st = new UpstreamStats()));
    return st;
  }

  private upstreamKey(addr: string): string {
    if (this.runs.has(addr)) return addr;
    if (this.runs.size >= this.maxUpstreams) {
      this.foldedAttempts++;
      this.listener.folded?.(addr);
      return FOLDED_UPSTREAM;
    }
    return addr;
  }

  /** The running state of an address (its folded `other` state past the cap), made on first sight. */
  private runFor(addr: string): UpstreamRun {
    const known = this.runs.get(addr);
    if (known) return known;
    const key = this.upstreamKey(addr);
    let run = this.runs.get(key);
    if (!run) {
      const settings = this.settingsFor(addr);
      const readTimeout = settings?.proxyReadTimeout ?? DEFAULT_READ_TIMEOUT_S;
      const pooling: Pooling = settings ? (settings.keepalive > 0 ? 'yes' : 'no') : 'unknown';
      run = { key, lastEnd: NaN, episode: null, readTimeoutS: readTimeout, minHeader: Infinity, refusing: false, pooling };
      this.runs.set(key, run);
    }
    return run;
  }
}

function countRequest(st: UpstreamStats, rec: AccessRecord): void {
  st.requests++;
  const s = rec.status;
  if (s >= 200 && s < 300) st.status2xx++;
  else if (s >= 300 && s < 400) st.status3xx++;
  else if (s >= 400 && s < 500) {
    st.status4xx++;
    if (s === 499) st.status499++;
  } else if (s >= 500) {
    st.status5xx++;
    if (s === 502) st.status502++;
    else if (s === 503) st.status503++;
    else if (s === 504) st.status504++;
  }
  if (rec.requestTime >= 0) st.requestTimeSum += rec.requestTime;
}

function clip(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
