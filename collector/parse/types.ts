// What the parsers hand to the aggregator. Plain data, no behaviour: every source (access log, error log,
// kernel log, nginx config) is reduced to these shapes before anything is counted.

/**
 * One upstream attempt of a request. nginx writes one value per try in each `$upstream_*` variable:
 * `, ` separates tries (proxy_next_upstream), ` : ` separates internal redirects (X-Accel-Redirect,
 * error_page). Each attempt is kept on its own; their times are never summed.
 */
export interface Attempt {
  /** `127.0.0.1:8080`, `[::1]:8080`, `unix:/run/app.sock`, or the group name when nginx had no live peer. */
  addr: string;
  /** HTTP status nginx got (or made up: 502 for a reset, 504 for a timeout); 0 when the field was `-`. */
  status: number;
  /** Seconds; 0 means a pooled keepalive connection was reused. NaN when not logged or `-`. */
  connect: number;
  /** Seconds until the response header arrived. NaN when not logged or `-` (none arrived). */
  header: number;
  /** Seconds the attempt took in all. NaN when not logged or `-`. */
  response: number;
  /** Bytes received from the upstream in this attempt (`$upstream_bytes_received`); NaN when not logged. */
  bytesReceived: number;
  /** True when this attempt started after an internal redirect (` : `) rather than as a retry (`, `). */
  afterRedirect: boolean;
  /**
   * Not logged but inferred: the access log has no `$upstream_*` fields, and the nginx config or the error
   * log says which upstream served the request. Its times are unknown (NaN), not `-`.
   */
  inferred?: boolean;
  /** How the attempt failed, from the error-log line tied to it (errorJoin). */
  how?: { cls: ErrorClass; phase: ErrorPhase };
  /** The header came, then the body was cut off (a reset or close while reading the upstream). */
  cut?: boolean;
}

export interface AccessRecord {
  /** Epoch milliseconds of the end of the request (nginx logs when the request finishes). */
  time: number;
  /** UTC offset of the line's own timestamp in minutes (+60 for `+0100`); NaN when the format carries none ($msec). */
  tzOffsetMin: number;
  status: number;
  /** `$body_bytes_sent`, else `$bytes_sent`; NaN when neither is logged. */
  bytesSent: number;
  /** `$request_time` in seconds; NaN when not logged. */
  requestTime: number;
  /** `$request` (`GET /path HTTP/1.1`), else `$request_method $request_uri`; '' when not logged. For evidence only. */
  request: string;
  /** Empty when nginx did not go upstream (static file, cache hit, 499 before proxying). */
  attempts: Attempt[];
  /** `$remote_addr`; '' when not logged. Ties an error-log line to its request. */
  client: string;
  /**
   * Which variables the line's format logs, as bits of parse/access/formatSpec Role (`loggedBit`): what
   * the line could have told, so an absent `$upstream_connect_time` is not mistaken for a `-`.
   */
  logged: number;
}

export type ErrorLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit' | 'alert' | 'emerg';

/** What went wrong, independent of the wording nginx used. */
export type ErrorClass =
  | 'reset_by_peer' // errno 104 ECONNRESET
  | 'broken_pipe' // errno 32 EPIPE
  | 'timed_out' // errno 110 or nginx's "upstream timed out"
  | 'refused' // errno 111 ECONNREFUSED
  | 'prematurely_closed' // "upstream prematurely closed connection" (EOF before a full response)
  | 'no_live_upstreams' // "no live upstreams while connecting to upstream"
  | 'unreachable' // errno 113 EHOSTUNREACH, 101 ENETUNREACH
  | 'client_closed' // "client prematurely closed connection", "client closed connection"
  | 'client_timed_out' // "client timed out"
  | 'other';

/** The request phase nginx names after "while ...", normalised. */
export type ErrorPhase =
  | 'connecting' // connecting to upstream
  | 'sending_request' // sending request to upstream
  | 'reading_response_header' // reading response header from upstream
  | 'reading_upstream' // reading upstream (the body)
  | 'sending_to_client' // sending to client
  | 'reading_client_body' // reading client request body
  | 'reading_client_headers' // reading client request headers / request line
  | 'ssl_handshake' // SSL handshaking (to upstream or from client)
  | 'keepalive' // idle client keepalive connection
  | 'other';

export interface ErrorEvent {
  /** Epoch ms. nginx writes local time without a zone; the reader applies the offset it is given. */
  time: number;
  level: ErrorLevel;
  pid: number;
  /** `*1234` connection number, or NaN. */
  connection: number;
  /** `recv`, `writev`, `connect`, `readv`, `SSL_read`, …; '' when the message names none. */
  syscall: string;
  /** 104, 32, 110, 111, …; NaN when the message carries none. */
  errno: number;
  cls: ErrorClass;
  phase: ErrorPhase;
  /** Which side of nginx the fault came from. */
  side: 'upstream' | 'client' | 'other';
  client: string;
  server: string;
  request: string;
  /** The `upstream: "http://10.0.0.1:8080/path"` field as written. */
  upstream: string;
  /** Host and port taken from `upstream` (`10.0.0.1:8080`), comparable with `$upstream_addr`; '' when absent. */
  upstreamAddr: string;
  host: string;
  /** The message text between the connection number and the `, client:` fields, for evidence. */
  message: string;
}

export type KernelEventKind =
  | 'oom_kill' // the OOM killer (global or cgroup) killed a task
  | 'killed' // a task killed by a signal the kernel reports (e.g. cgroup kill, hung task)
  | 'segfault'; // a user process crashed (segfault / general protection / trap)

export interface KernelEvent {
  /** Epoch ms (dmesg -T / syslog times are local; the reader applies the offset it is given). */
  time: number;
  kind: KernelEventKind;
  /** NaN when the line names no pid. */
  pid: number;
  /** Process name (`node`, `gunicorn`), '' when absent. */
  process: string;
  message: string;
}

/** Upstream-side settings nginx applies to one upstream address, with nginx's defaults where unset. */
export interface UpstreamSettings {
  /** The `upstream` block name, or '' for a bare `proxy_pass http://host:port`. */
  group: string;
  /** Seconds. nginx default 60. */
  proxyReadTimeout: number;
  /** Seconds. nginx default 60. */
  proxyConnectTimeout: number;
  /** Seconds. nginx default 60. */
  proxySendTimeout: number;
  /** `proxy_next_upstream` conditions; nginx default `error timeout`. */
  proxyNextUpstream: string[];
  /** Size of the idle keepalive pool per worker (`keepalive N`); 0 when the upstream does not pool. */
  keepalive: number;
  /** Seconds an idle pooled connection is kept (`keepalive_timeout` in the upstream block). Default 60. */
  keepaliveTimeout: number;
  /** Requests served on one pooled connection before nginx closes it. Default 1000 (nginx ≥ 1.19.10). */
  keepaliveRequests: number;
}

export interface LogFormatDef {
  name: string;
  /** The format string after concatenating adjacent quoted parts. */
  format: string;
  escape: 'default' | 'json' | 'none';
}
