// nginx error-log lines → ErrorEvent. A line is
//   2024/01/15 10:23:45 [error] 1234#1234: *5678 <message>, client: …, server: …, request: "…", upstream: "…", host: "…"
// The message wording is nginx's own and stable across versions; the cause and side are read from it.
// Only one anchored regex per line; the rest is indexOf, so a 1 MB line costs a few linear scans.
import type { ErrorClass, ErrorEvent, ErrorLevel, ErrorPhase } from './types';

const HEAD = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[([a-z]+)\] (\d+)#(\d+): /;
const LEVELS = new Set<string>(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg']);

/** The `while …` action nginx appends, by how it starts. Order matters only where one prefixes another. */
const PHASES: [string, ErrorPhase][] = [
  ['connecting to upstream', 'connecting'],
  ['sending request to upstream', 'sending_request'],
  ['reading response header from upstream', 'reading_response_header'],
  ['reading upstream', 'reading_upstream'],
  ['reading from upstream', 'reading_upstream'],
  ['sending to client', 'sending_to_client'],
  ['sending response to client', 'sending_to_client'],
  ['reading client request body', 'reading_client_body'],
  ['reading client request headers', 'reading_client_headers'],
  ['reading client request line', 'reading_client_headers'],
  ['reading client pipelined request line', 'reading_client_headers'],
  ['reading PROXY protocol', 'reading_client_headers'],
  ['SSL handshaking', 'ssl_handshake'],
  ['waiting for request', 'keepalive'],
];

const UPSTREAM_PHASES = new Set<ErrorPhase>(['connecting', 'sending_request', 'reading_response_header', 'reading_upstream']);
const CLIENT_PHASES = new Set<ErrorPhase>(['sending_to_client', 'reading_client_body', 'reading_client_headers', 'keepalive']);

/** Wordings that name the cause outright; checked before the errno, which they may also carry. */
const WORDINGS: [string, ErrorClass][] = [
  ['no live upstreams', 'no_live_upstreams'],
  ['upstream timed out', 'timed_out'],
  ['client timed out', 'client_timed_out'],
  ['upstream prematurely closed connection', 'prematurely_closed'],
  // Also "epoll_wait() reported that client prematurely closed connection, so upstream connection is
  // closed too (104: …)": the 104 there is the client's reset, not the upstream's.
  ['client prematurely closed connection', 'client_closed'],
  ['client closed connection', 'client_closed'],
  ['closed keepalive connection', 'client_closed'],
];

const BY_ERRNO: Record<number, ErrorClass> = {
  104: 'reset_by_peer',
  32: 'broken_pipe',
  110: 'timed_out',
  111: 'refused',
  113: 'unreachable',
  101: 'unreachable',
  112: 'unreachable', // EHOSTDOWN
};

function localTime(y: number, mo: number, d: number, h: number, mi: number, s: number, tzOffsetMin?: number): number {
  if (tzOffsetMin === undefined) return new Date(y, mo - 1, d, h, mi, s).getTime();
  return Date.UTC(y, mo - 1, d, h, mi, s) - tzOffsetMin * 60_000;
}

/** `http://10.0.0.5:8080/api` → `10.0.0.5:8080`; `[::1]:8080` stays bracketed; `http://unix:/s.sock:/` → `unix:/s.sock`. */
export function upstreamAddrOf(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return '';
  const rest = url.slice(scheme + 3);
  if (rest.startsWith('unix:')) {
    const end = rest.indexOf(':', 5);
    return end < 0 ? rest : rest.slice(0, end);
  }
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return '';
    const m = /^:\d+/.exec(rest.slice(close + 1, close + 8));
    return rest.slice(0, close + 1) + (m ? m[0] : '');
  }
  const slash = rest.indexOf('/');
  // With no port this is the group name, which is what `$upstream_addr` shows when no peer was live.
  return slash < 0 ? rest : rest.slice(0, slash);
}

/** Where `, client: ` starts the fields: the first one followed by a value without spaces. */
function fieldsStart(body: string): number {
  let from = 0;
  for (;;) {
    const i = body.indexOf(', client: ', from);
    if (i < 0) return -1;
    const v = i + 10;
    let j = v;
    while (j < body.length && j - v < 64 && body[j] !== ',' && body[j] !== ' ') j++;
    if (j > v && (j === body.length || body.startsWith(', ', j))) return i;
    from = i + 1;
  }
}

/** True when `s` at `i` holds `key: ` with a lower-case key, as every field nginx appends does. */
function keyAt(s: string, i: number): boolean {
  let j = i;
  while (j < s.length && j - i < 24) {
    const c = s.charCodeAt(j);
    if ((c >= 97 && c <= 122) || c === 95) j++;
    else break;
  }
  return j > i && s.startsWith(': ', j);
}

/** Parses `client: a, server: b, request: "c", …`; a quoted value ends at a quote before `, key: ` or the end. */
function parseFields(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < s.length) {
    const colon = s.indexOf(': ', pos);
    if (colon < 0 || !keyAt(s, pos)) break;
    const key = s.slice(pos, colon);
    let v = colon + 2;
    let value: string;
    let next: number;
    if (s[v] === '"') {
      v++;
      let q = s.indexOf('"', v);
      while (q >= 0 && q !== s.length - 1 && !(s.startsWith(', ', q + 1) && keyAt(s, q + 3))) q = s.indexOf('"', q + 1);
      if (q < 0) {
        value = s.slice(v);
        next = s.length;
      } else {
        value = s.slice(v, q);
        next = q + 3;
      }
    } else {
      let c = s.indexOf(', ', v);
      while (c >= 0 && !keyAt(s, c + 2)) c = s.indexOf(', ', c + 1);
      value = c < 0 ? s.slice(v) : s.slice(v, c);
      next = c < 0 ? s.length : c + 2;
    }
    if (!out.has(key)) out.set(key, value);
    pos = next;
  }
  return out;
}

function phaseOf(message: string): ErrorPhase {
  const w = message.lastIndexOf(' while ');
  if (w < 0) {
    if (message.includes('closed keepalive connection')) return 'keepalive';
    return message.startsWith('SSL_do_handshake()') ? 'ssl_handshake' : 'other';
  }
  const action = message.slice(w + 7, w + 7 + 48);
  for (const [prefix, phase] of PHASES) if (action.startsWith(prefix)) return phase;
  return 'other';
}

function classOf(message: string, errno: number, syscall: string, phase: ErrorPhase): ErrorClass {
  // The wordings sit at the start of the message (after an optional `epoll_wait() reported that`).
  const head = message.slice(0, 120);
  for (const [text, cls] of WORDINGS) if (head.includes(text)) return cls;
  const byErrno = BY_ERRNO[errno];
  if (byErrno) return byErrno;
  // A unix socket that is not there answers connect() with ENOENT: nothing listens, as with a refusal.
  if (errno === 2 && syscall === 'connect' && phase === 'connecting') return 'refused';
  return 'other';
}

function sideOf(cls: ErrorClass, phase: ErrorPhase, message: string, upstream: string, errno: number): ErrorEvent['side'] {
  if (cls === 'client_closed' || cls === 'client_timed_out') return 'client';
  if (cls === 'no_live_upstreams' || cls === 'prematurely_closed' || cls === 'refused' || cls === 'unreachable') return 'upstream';
  if (UPSTREAM_PHASES.has(phase)) return 'upstream';
  if (CLIENT_PHASES.has(phase)) return 'client';
  if (phase === 'ssl_handshake') return message.includes('SSL handshaking to upstream') ? 'upstream' : 'client';
  if (message.startsWith('upstream ')) return 'upstream';
  if (message.startsWith('client ')) return 'client';
  // A socket error with no phase and no upstream in play can only come from the client, e.g.
  // `recv() failed (104: …)` while nginx reads a request body it has not started proxying.
  if (!Number.isNaN(errno) && upstream === '' && errno in BY_ERRNO) return 'client';
  return 'other';
}

/**
 * One nginx error-log line → ErrorEvent, or null for anything else (continuation lines, other
 * programs' output, a malformed header). nginx writes local time without a zone: `tzOffsetMin` (minutes
 * east of UTC) says which; without it the machine's own zone is assumed.
 */
export function parseErrorLine(line: string, tzOffsetMin?: number): ErrorEvent | null {
  const m = HEAD.exec(line.length > 64 ? line.slice(0, 64) : line);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, level] = m;
  if (!LEVELS.has(level)) return null;
  const [Y, MO, D, H, MI, S] = [y, mo, d, h, mi, s].map(Number);
  if (MO < 1 || MO > 12 || D < 1 || D > 31 || H > 23 || MI > 59 || S > 60) return null;

  let body = line.slice(m[0].length);
  if (body.endsWith('\r')) body = body.slice(0, -1);
  let connection = NaN;
  const star = /^\*(\d+) /.exec(body.slice(0, 24));
  if (star) {
    connection = Number(star[1]);
    body = body.slice(star[0].length);
  }

  const fStart = fieldsStart(body);
  const message = fStart < 0 ? body : body.slice(0, fStart);
  const fields = fStart < 0 ? new Map<string, string>() : parseFields(body.slice(fStart + 2));

  const fn = /^([A-Za-z_][A-Za-z0-9_]*)\(/.exec(message.slice(0, 64));
  const syscall = fn ? fn[1] : '';
  const errnoMatch = /\((\d{1,4}): /.exec(message);
  const errno = errnoMatch ? Number(errnoMatch[1]) : NaN;

  const upstream = fields.get('upstream') ?? '';
  const phase = phaseOf(message);
  const cls = classOf(message, errno, syscall, phase);
  return {
    time: localTime(Y, MO, D, H, MI, S, tzOffsetMin),
    level: level as ErrorLevel,
    pid: Number(m[8]),
    connection,
    syscall,
    errno,
    cls,
    phase,
    side: sideOf(cls, phase, message, upstream, errno),
    client: fields.get('client') ?? '',
    server: fields.get('server') ?? '',
    request: fields.get('request') ?? '',
    upstream,
    upstreamAddr: upstream === '' ? '' : upstreamAddrOf(upstream),
    host: fields.get('host') ?? '',
    message,
  };
}
