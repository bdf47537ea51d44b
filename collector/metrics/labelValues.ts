// The closed sets every enumerated label takes its values from, so the number of series an exporter
// can create is known in advance. The open label is `upstream`, which the aggregator caps; `file` is
// bounded by the command line. Records written as `Record<Union, …>` make the compiler insist that a
// value added to a parser type shows up here too.
import type { ErrorClass, ErrorPhase, KernelEventKind } from '../parse/types';
import { STATUS_LABELS } from './catalogue';

export type StatusLabel = (typeof STATUS_LABELS)[number];

export const OUTCOMES = ['ok', 'failed', 'stalled'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export { FAILURE_KINDS, type FailureKind } from '../aggregate/classify';

export const CONNECTION_KINDS = ['reused', 'new'] as const;

export const LINE_SOURCES = ['access', 'error', 'kernel'] as const;
export type LineSource = (typeof LINE_SOURCES)[number];
export const PARSE_ERROR_SOURCES = [...LINE_SOURCES, 'too_long'] as const;
export type ParseErrorSource = (typeof PARSE_ERROR_SOURCES)[number];

export const CONNECTION_STATES = ['active', 'reading', 'writing', 'waiting'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

const ERROR_CLASS_SET: Record<ErrorClass, true> = {
  reset_by_peer: true,
  broken_pipe: true,
  timed_out: true,
  refused: true,
  prematurely_closed: true,
  no_live_upstreams: true,
  unreachable: true,
  client_closed: true,
  client_timed_out: true,
  other: true,
};
export const ERROR_CLASSES = Object.keys(ERROR_CLASS_SET) as ErrorClass[];

const ERROR_PHASE_SET: Record<ErrorPhase, true> = {
  connecting: true,
  sending_request: true,
  reading_response_header: true,
  reading_upstream: true,
  sending_to_client: true,
  reading_client_body: true,
  reading_client_headers: true,
  ssl_handshake: true,
  keepalive: true,
  other: true,
};
export const ERROR_PHASES = Object.keys(ERROR_PHASE_SET) as ErrorPhase[];

const KERNEL_KIND_SET: Record<KernelEventKind, true> = { oom_kill: true, killed: true, segfault: true };
export const KERNEL_KINDS = Object.keys(KERNEL_KIND_SET) as KernelEventKind[];

/** The `status` label of a client status: the codes the diagnosis names, else the class. */
export function statusLabel(status: number): StatusLabel {
  switch (status) {
    case 499:
      return '499';
    case 500:
      return '500';
    case 502:
      return '502';
    case 503:
      return '503';
    case 504:
      return '504';
  }
  if (!(status >= 100 && status < 600)) return 'unknown';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (status >= 200) return '2xx';
  return '1xx';
}

/** An error-log class as a label value; anything the parser did not name folds into `other`. */
export function errorClassLabel(cls: string): ErrorClass {
  return Object.prototype.hasOwnProperty.call(ERROR_CLASS_SET, cls) ? (cls as ErrorClass) : 'other';
}

export function errorPhaseLabel(phase: string): ErrorPhase {
  return Object.prototype.hasOwnProperty.call(ERROR_PHASE_SET, phase) ? (phase as ErrorPhase) : 'other';
}

export function isKernelKind(kind: string): kind is KernelEventKind {
  return Object.prototype.hasOwnProperty.call(KERNEL_KIND_SET, kind);
}
