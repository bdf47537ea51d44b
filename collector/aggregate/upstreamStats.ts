// Everything counted for one upstream address in one time window. Fixed-size parts only (counters,
// fixed bucket arrays, a bin-limited quantile sketch, capped sample lists), so memory depends on the
// number of windows and upstreams, never on the number of lines; two of them merge by addition.
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { CONNECT_BOUNDS_S, GAP_BOUNDS_S, SIZE_BOUNDS_B } from './buckets';

/** Relative accuracy 4 %: a P95 of 0.80 s is reported within 0.77–0.83 s, enough to compare with 80 % of a timeout. */
const SKETCH_ACCURACY = 0.04;
/** Bins kept before the lowest (fastest) ones collapse: ~7 decades at 4 %, more than latencies span. */
const SKETCH_BINS = 200;
/** Evidence kept per window; a merged range keeps up to MAX_MERGED_SAMPLES. */
const MAX_SAMPLES = 4;
const MAX_MERGED_SAMPLES = 12;
const MAX_EPISODES = 64;
/** Servers tallied per key: a group of more is rare, and the ones failing show up first. */
const MAX_SERVERS = 32;

export function newSketch(): LogCollapsingLowestDenseDDSketch {
  return new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: SKETCH_ACCURACY, binLimit: SKETCH_BINS });
}

/** A failing attempt kept as evidence. */
export interface FailureSample {
  time: number;
  request: string;
  status: number;
  attemptStatus: number;
  connect: number;
  header: number;
  response: number;
  gap: number;
  bytes: number;
}

export interface ErrorSample {
  time: number;
  cls: string;
  phase: string;
  message: string;
  request: string;
}

/**
 * Failed attempts on reused (pooled) connections that started within 250 ms of each other: one
 * idle period ending in failures. `size` > 1 means several pooled connections were dead at once.
 */
export interface Episode {
  start: number;
  /** Idle gap in seconds before the first failure of the episode. */
  gap: number;
  size: number;
}

export const GAP_KINDS = ['reusedOk', 'reusedFail', 'freshOk', 'freshFail'] as const;
export type GapKind = (typeof GAP_KINDS)[number];

export class UpstreamStats {
  // Client-facing: requests whose last attempt went to this upstream (or no upstream at all, for '-').
  requests = 0;
  status2xx = 0;
  status3xx = 0;
  status4xx = 0;
  status5xx = 0;
  status499 = 0;
  status502 = 0;
  status503 = 0;
  status504 = 0;
  /** Sum of `$request_time` (s): divided by the window length it is the mean number of requests in flight. */
  requestTimeSum = 0;

  // Per attempt: each try and each internal redirect counts once.
  attempts = 0;
  /** Attempts after the first try of a request (proxy_next_upstream retries, not redirects). */
  retries = 0;
  reused = 0;
  fresh = 0;
  /** nginx gave up on the attempt itself (no response header): a reset, close, refusal or timeout. */
  failed = 0;
  failedReused = 0;
  /** Failed on a reused connection within a round trip: the pooled connection was already dead when picked. */
  failedReusedImmediate = 0;
  failedFresh = 0;
  /** Failed before any connection existed (connect time `-`): refused, unreachable, no live upstreams. */
  failedConnect = 0;
  /** Times the upstream answered again after refusing connections: a restart, not an outage. */
  comebacks = 0;
  /** Failed attempts that nginx reported as 504: timed out. */
  failedTimeout = 0;
  /** The header arrived quickly but the body stopped: the attempt ran into proxy_read_timeout mid-body. */
  bodyStalls = 0;
  /** The header came and the body was cut by a reset or close (the error log said so). */
  bodyCuts = 0;
  /** Failed attempts known from the error log to be a reset or an early close, when is not logged. */
  failedClosed = 0;
  /** Failed attempts (a 502 / 504 with no upstream fields) that no error-log line explained. */
  failedUnlogged = 0;
  /** Attempts inferred from the nginx config and the error log, the access log naming none. */
  inferred = 0;
  /** Attempts whose response time reached 80 % of proxy_read_timeout. */
  nearReadTimeout = 0;
  /** 502s that came after more than a round trip: the backend died while working on the request. */
  failedMidRequest = 0;

  responseTime = newSketch();
  headerTime = newSketch();
  connectBuckets = new Uint32Array(CONNECT_BOUNDS_S.length);
  /** Idle-gap histograms, GAP_KINDS.length rows of GAP_BOUNDS_S.length buckets. */
  gaps = new Uint32Array(GAP_KINDS.length * GAP_BOUNDS_S.length);
  /** Sizes (bytes) of successful responses and of what failing attempts had received. */
  okSizes = new Uint32Array(SIZE_BOUNDS_B.length);
  failSizes = new Uint32Array(SIZE_BOUNDS_B.length);

  /** Error-log events by `class/phase`. */
  errors = new Map<string, number>();
  /** Upstream error-log events by the server the line named (a group's key keeps which of its servers failed). */
  servers = new Map<string, number>();
  samples: FailureSample[] = [];
  errorSamples: ErrorSample[] = [];
  episodes: Episode[] = [];
  droppedEpisodes = 0;

  addGap(kind: GapKind, bucket: number): void {
    this.gaps[GAP_KINDS.indexOf(kind) * GAP_BOUNDS_S.length + bucket]++;
  }

  gapRow(kind: GapKind): Uint32Array {
    const row = GAP_KINDS.indexOf(kind) * GAP_BOUNDS_S.length;
    return this.gaps.subarray(row, row + GAP_BOUNDS_S.length);
  }

  addSample(s: FailureSample, cap = MAX_SAMPLES): void {
    if (this.samples.length < cap) this.samples.push(s);
  }

  addErrorSample(s: ErrorSample, cap = MAX_SAMPLES): void {
    if (this.errorSamples.length < cap) this.errorSamples.push(s);
  }

  addEpisode(e: Episode): void {
    if (this.episodes.length < MAX_EPISODES) this.episodes.push(e);
    else this.droppedEpisodes++;
  }

  countServer(server: string): void {
    const n = this.servers.get(server);
    if (n !== undefined) this.servers.set(server, n + 1);
    else if (this.servers.size < MAX_SERVERS) this.servers.set(server, 1);
  }

  countError(key: string): void {
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  /** Adds `other` into this. Samples and episodes keep the earliest up to their caps. */
  merge(other: UpstreamStats): void {
    this.requests += other.requests;
    this.status2xx += other.status2xx;
    this.status3xx += other.status3xx;
    this.status4xx += other.status4xx;
    this.status5xx += other.status5xx;
    this.status499 += other.status499;
    this.status502 += other.status502;
    this.status503 += other.status503;
    this.status504 += other.status504;
    this.requestTimeSum += other.requestTimeSum;
    this.attempts += other.attempts;
    this.retries += other.retries;
    this.reused += other.reused;
    this.fresh += other.fresh;
    this.failed += other.failed;
    this.failedReused += other.failedReused;
    this.failedReusedImmediate += other.failedReusedImmediate;
    this.failedFresh += other.failedFresh;
    this.failedConnect += other.failedConnect;
    this.failedTimeout += other.failedTimeout;
    this.comebacks += other.comebacks;
    this.bodyStalls += other.bodyStalls;
    this.bodyCuts += other.bodyCuts;
    this.failedClosed += other.failedClosed;
    this.failedUnlogged += other.failedUnlogged;
    this.inferred += other.inferred;
    this.nearReadTimeout += other.nearReadTimeout;
    this.failedMidRequest += other.failedMidRequest;
    if (other.responseTime.count > 0) this.responseTime.merge(other.responseTime);
    if (other.headerTime.count > 0) this.headerTime.merge(other.headerTime);
    addInto(this.connectBuckets, other.connectBuckets);
    addInto(this.gaps, other.gaps);
    addInto(this.okSizes, other.okSizes);
    addInto(this.failSizes, other.failSizes);
    for (const [k, v] of other.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + v);
    for (const [k, v] of other.servers) {
      const n = this.servers.get(k);
      if (n !== undefined) this.servers.set(k, n + v);
      else if (this.servers.size < MAX_SERVERS) this.servers.set(k, v);
    }
    for (const s of other.samples) this.addSample(s, MAX_MERGED_SAMPLES);
    for (const s of other.errorSamples) this.addErrorSample(s, MAX_MERGED_SAMPLES);
    for (const e of other.episodes) this.addEpisode(e);
    this.droppedEpisodes += other.droppedEpisodes;
  }

  /** Error-log events whose class (and, if given, phase) match. */
  errorCount(cls: string, phase?: string): number {
    if (phase !== undefined) return this.errors.get(`${cls}/${phase}`) ?? 0;
    let n = 0;
    for (const [k, v] of this.errors) if (k.startsWith(cls + '/')) n += v;
    return n;
  }
}

function addInto(into: Uint32Array, from: Uint32Array): void {
  for (let i = 0; i < into.length; i++) into[i] += from[i];
}
