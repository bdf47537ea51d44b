// The plain model the view draws. Both the Grafana panel (from data frames, and from the collector's API
// when it is configured) and the embedded page (from the API) build one of these; the view never sees a
// data frame or a Grafana theme.
import type { CauseId } from '../../collector/diagnose/causes';
import type { VerdictStatus } from '../../collector/diagnose/engine';

export type { VerdictStatus };

export interface TimeWindow {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

export interface Point {
  /** Epoch milliseconds: the start of the window the value describes. */
  t: number;
  v: number | null;
}

export interface Line {
  name: string;
  points: Point[];
}

export interface Bucket {
  /** Upper bound in seconds; null for +Inf. `le: 0` holds exactly the reused (pooled) connections. */
  le: number | null;
  /** Attempts in this bucket alone (not cumulative). */
  count: number;
}

export interface ConnectDistribution {
  buckets: Bucket[];
  total: number;
  reuseShare: number | null;
}

export interface UpstreamRow {
  upstream: string;
  cause: CauseId | null;
  score: number | null;
  requests: number | null;
  /** Failed upstream attempts; null when the source does not count them (metrics). */
  failures: number | null;
  rate502: number | null;
  p95S: number | null;
  reuseShare: number | null;
}

export interface RankedCause {
  id: CauseId;
  label: string;
  score: number | null;
  upstream: string;
  evidence: string[];
  fix: string[];
}

/** The run of failing windows on the verdict's upstream that reaches the newest failure. */
export interface Incident {
  /** Epoch milliseconds: the start of its first failing window (may be before the diagnosis window). */
  since: number;
  /** Epoch milliseconds: the end of its newest failing window. */
  last: number;
  failures: number;
}

export interface Verdict {
  /** The cause named, or when collecting the leading candidate ('healthy' when there is none yet). */
  cause: CauseId;
  label: string;
  /**
   * How far the verdict got: `named` a cause, still `collecting` evidence (too few failures; `cause` is
   * only the leading candidate), failures that match no known pattern (`unexplained`), or `healthy`.
   * Only `healthy` may be shown as healthy.
   */
  status: VerdictStatus;
  /** One line for the wall: what was found, where. */
  headline: string;
  score: number | null;
  upstream: string | null;
  evidence: string[];
  fix: string[];
  window: TimeWindow | null;
  /** Upstream failures the verdict weighed; null when the source does not say. */
  failures: number | null;
  /** Since when the upstream has been failing; null when healthy or unknown. */
  incident: Incident | null;
}

export interface ExampleRequest {
  time: number;
  request: string;
  status: number | null;
  attemptStatus: number | null;
  connectS: number | null;
  responseS: number | null;
  idleGapS: number | null;
  bytes: number | null;
}

export interface ExampleError {
  time: number;
  cls: string;
  phase: string;
  message: string;
  request: string;
}

export interface Stats {
  requests: number | null;
  rate502: number | null;
  p95S: number | null;
  readTimeoutS: number | null;
  writingShare: number | null;
  reuseShare: number | null;
}

export interface DoctorSeries {
  rate502: Line[];
  writingShare: Line[];
  p95: Line[];
  readTimeoutS: number | null;
  connect: ConnectDistribution | null;
  upstreams: UpstreamRow[];
  /** Width of one point's window, for "click a spike to diagnose that window". */
  stepMs: number | null;
}

export type ModelState = 'ready' | 'loading' | 'empty' | 'error';

export interface DoctorModel {
  state: ModelState;
  /** One line for the empty, loading and error states. */
  message: string | null;
  verdict: Verdict | null;
  /** The other causes the engine scored, best first. */
  others: RankedCause[];
  /** Flowchart node ids, root to leaf. */
  path: string[];
  stats: Stats;
  series: DoctorSeries;
  /** The time range the model covers. */
  range: TimeWindow | null;
  /** The upstream the model is narrowed to, null for all. */
  upstream: string | null;
  examples: { requests: ExampleRequest[]; errors: ExampleError[] };
  /** Non-fatal problems worth a small line (an API that did not answer, an unknown cause id). */
  notices: string[];
  source: 'api' | 'metrics';
}

export function emptySeries(): DoctorSeries {
  return { rate502: [], writingShare: [], p95: [], readTimeoutS: null, connect: null, upstreams: [], stepMs: null };
}

export function emptyStats(): Stats {
  return { requests: null, rate502: null, p95S: null, readTimeoutS: null, writingShare: null, reuseShare: null };
}

/** A model with nothing to draw but a state line (loading, empty, error). */
export function stateModel(state: Exclude<ModelState, 'ready'>, message: string, source: DoctorModel['source']): DoctorModel {
  return {
    state,
    message,
    verdict: null,
    others: [],
    path: [],
    stats: emptyStats(),
    series: emptySeries(),
    range: null,
    upstream: null,
    examples: { requests: [], errors: [] },
    notices: [],
    source,
  };
}
