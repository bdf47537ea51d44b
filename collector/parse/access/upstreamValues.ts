// nginx's `$upstream_*` variables hold one value per upstream attempt: `, ` between tries of one
// proxy_next_upstream sequence and ` : ` where an internal redirect (X-Accel-Redirect, error_page) started
// a new sequence. All of them are written by the same walk over the request's attempt list, so the n-th
// value of every variable belongs to the n-th attempt. The values are kept per attempt, never summed.

import type { Attempt } from '../types';

/** Powers of ten that are exact doubles, for reading decimals as one integer. */
export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A non-negative decimal such as nginx writes for times (`0.002`, `12`) read from `s[start, end)`;
 * NaN for `-`, empty or anything else. Dividing the digits as one integer by a power of ten gives the
 * same double as `parseFloat` for the lengths nginx writes.
 */
export function parseDecimal(s: string, start = 0, end = s.length): number {
  let p = start;
  let v = 0;
  let fracDigits = -1;
  let count = 0;
  for (; p < end; p++) {
    const c = s.charCodeAt(p);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      v = v * 10 + d;
      count++;
      if (fracDigits >= 0) fracDigits++;
    } else if (c === 46 /* . */ && fracDigits < 0) {
      fracDigits = 0;
    } else {
      return NaN;
    }
  }
  if (count === 0 || count > 15) return NaN;
  return fracDigits > 0 ? v / POW10[fracDigits] : v;
}

/** A non-negative integer (byte counts) from `s[start, end)`; NaN for `-`, empty or anything else. */
export function parseCount(s: string, start = 0, end = s.length): number {
  if (end <= start || end - start > 15) return NaN;
  let v = 0;
  for (let p = start; p < end; p++) {
    const d = s.charCodeAt(p) - 48;
    if (!(d >= 0 && d <= 9)) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** An HTTP status of exactly three digits from `s[start, end)`, or -1. */
export function parseStatus3(s: string, start = 0, end = s.length): number {
  if (end - start !== 3) return -1;
  const a = s.charCodeAt(start) - 48;
  const b = s.charCodeAt(start + 1) - 48;
  const c = s.charCodeAt(start + 2) - 48;
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9)) return -1;
  return a * 100 + b * 10 + c;
}

/** True for a value that says "no upstream at all": missing, empty or `-`. */
function isNone(s: string, start: number, end: number): boolean {
  return end === start || (end - start === 1 && s.charCodeAt(start) === 45);
}

// Kinds of value in an `$upstream_*` list.
const ADDR = 0;
const STATUS = 1;
const SECONDS = 2;
const COUNT = 3;

// Result registers of readToken. The parsers are synchronous, so one set serves every call.
let tokStart = 0;
let tokEnd = 0;
/** Where the next token starts; -1 once the list is exhausted. */
let nextFrom = 0;
/** The separator after the token was ` : ` (the next attempt began after an internal redirect). */
let redirectAfter = false;

/**
 * Reads one token of the list in `s[from, end)` and the separator after it, in one pass: the token's
 * number (per `kind`) is returned, its extent left in tokStart/tokEnd. A token ends at `,` or a space;
 * addresses (`[::1]:80`, `unix:/run/a.sock`) contain neither.
 */
function readToken(s: string, from: number, end: number, kind: number): number {
  let p = from;
  while (p < end && s.charCodeAt(p) === 32) p++;
  tokStart = p;
  let v = 0;
  let digitCount = 0;
  let fracDigits = -1;
  let bad = false;
  for (; p < end; p++) {
    const c = s.charCodeAt(p);
    if (c === 44 || c === 32) break;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      v = v * 10 + d;
      digitCount++;
      if (fracDigits >= 0) fracDigits++;
    } else if (c === 46 && fracDigits < 0) {
      fracDigits = 0;
    } else {
      bad = true;
    }
  }
  tokEnd = p;
  while (p < end && s.charCodeAt(p) === 32) p++;
  redirectAfter = false;
  if (p >= end) {
    nextFrom = -1;
  } else {
    const c = s.charCodeAt(p);
    if (c === 44 /* , */) {
      p++;
    } else if (c === 58 /* : */) {
      redirectAfter = true;
      p++;
    }
    // Anything else after a space starts the next token directly; it counts as a retry.
    nextFrom = p;
  }
  if (kind === ADDR) return NaN;
  if (bad || digitCount === 0 || digitCount > 15) return kind === STATUS ? 0 : NaN;
  if (kind === SECONDS) return fracDigits > 0 ? v / POW10[fracDigits] : v;
  if (fracDigits >= 0) return kind === STATUS ? 0 : NaN;
  if (kind === STATUS) return digitCount === 3 ? v : 0;
  return v;
}

/**
 * Where the six `$upstream_*` values of one line are: the text holding each (undefined when not logged)
 * and its extent. The text parser points all six into the line itself, so no value is copied.
 */
export interface UpstreamFields {
  text: Array<string | undefined>;
  start: Int32Array;
  end: Int32Array;
}

/** Field order in UpstreamFields. */
export const UF_ADDR = 0;
export const UF_STATUS = 1;
export const UF_CONNECT = 2;
export const UF_HEADER = 3;
export const UF_RESPONSE = 4;
export const UF_BYTES = 5;

export function createUpstreamFields(): UpstreamFields {
  return { text: new Array<string | undefined>(6).fill(undefined), start: new Int32Array(6), end: new Int32Array(6) };
}

// Which variable decides the attempt count when `$upstream_addr` is not logged, in order of preference.
const LEAD_ORDER = [UF_ADDR, UF_STATUS, UF_RESPONSE, UF_HEADER, UF_CONNECT, UF_BYTES];

/**
 * The attempts of one line from its `$upstream_*` values located by `f`. A request that never went
 * upstream (`$upstream_addr` `-` or empty) has none. The attempt count follows `$upstream_addr` (or, when
 * that is not logged, the first logged variable); a variable with fewer values than that leaves the rest
 * NaN (0 for status).
 */
export function attemptsOf(f: UpstreamFields): Attempt[] {
  const attempts: Attempt[] = [];
  const text = f.text;
  let lead = -1;
  for (let k = 0; k < 6; k++) {
    if (text[LEAD_ORDER[k]] !== undefined) {
      lead = LEAD_ORDER[k];
      break;
    }
  }
  if (lead < 0) return attempts;
  const leadText = text[lead] as string;
  const ends = f.end;
  if (isNone(leadText, f.start[lead], ends[lead])) return attempts;

  const addr = text[UF_ADDR];
  const status = text[UF_STATUS];
  const connect = text[UF_CONNECT];
  const header = text[UF_HEADER];
  const response = text[UF_RESPONSE];
  const bytes = text[UF_BYTES];
  // Next read position per variable: -1 when exhausted or not logged.
  let pAddr = addr === undefined ? -1 : f.start[UF_ADDR];
  let pStatus = status === undefined ? -1 : f.start[UF_STATUS];
  let pConnect = connect === undefined ? -1 : f.start[UF_CONNECT];
  let pHeader = header === undefined ? -1 : f.start[UF_HEADER];
  let pResponse = response === undefined ? -1 : f.start[UF_RESPONSE];
  let pBytes = bytes === undefined ? -1 : f.start[UF_BYTES];
  let afterRedirect = false;

  for (;;) {
    // The lead's read also tells whether another attempt follows and how it was separated.
    let more = false;
    let redirectNext = false;

    let addrText = '';
    if (pAddr >= 0) {
      readToken(addr as string, pAddr, ends[UF_ADDR], ADDR);
      pAddr = nextFrom;
      if (lead === UF_ADDR) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
      addrText = peerName(addr as string, tokStart, tokEnd);
    }
    let st = 0;
    if (pStatus >= 0) {
      st = readToken(status as string, pStatus, ends[UF_STATUS], STATUS);
      pStatus = nextFrom;
      if (lead === UF_STATUS) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
    }
    let ct = NaN;
    if (pConnect >= 0) {
      ct = readToken(connect as string, pConnect, ends[UF_CONNECT], SECONDS);
      pConnect = nextFrom;
      if (lead === UF_CONNECT) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
    }
    let ht = NaN;
    if (pHeader >= 0) {
      ht = readToken(header as string, pHeader, ends[UF_HEADER], SECONDS);
      pHeader = nextFrom;
      if (lead === UF_HEADER) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
    }
    let rt = NaN;
    if (pResponse >= 0) {
      rt = readToken(response as string, pResponse, ends[UF_RESPONSE], SECONDS);
      pResponse = nextFrom;
      if (lead === UF_RESPONSE) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
    }
    let br = NaN;
    if (pBytes >= 0) {
      br = readToken(bytes as string, pBytes, ends[UF_BYTES], COUNT);
      pBytes = nextFrom;
      if (lead === UF_BYTES) {
        more = nextFrom >= 0;
        redirectNext = redirectAfter;
      }
    }

    attempts.push({
      addr: addrText,
      status: st,
      connect: ct,
      header: ht,
      response: rt,
      bytesReceived: br,
      afterRedirect,
    });
    if (!more) return attempts;
    afterRedirect = redirectNext;
  }
}

// Peer names seen lately, by a hash of their text. A busy log names the same few peers on every line:
// handing out one string per peer saves an allocation per attempt, and a Map keyed by the name reuses the
// string's cached hash. (A cached name is a slice of the line it was first read from, so each slot keeps
// at most one line alive.)
const PEER_SLOTS = 256;
const peerCache: string[] = new Array<string>(PEER_SLOTS).fill('');

/**
 * Hash of a peer name's characters as peerNameOf takes it: `h = imul(h, 31) + c` over them, from 0 (the
 * generated line parsers compute the same while they step over the name).
 */
function peerHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let p = start; p < end; p++) h = (Math.imul(h, 31) + s.charCodeAt(p)) | 0;
  return h;
}

/**
 * The peer name in `s[start, end)`, given its peerHash: '' for `-` (nginx had no peer name for this
 * attempt), else a string equal to that text, the same string each time while it stays in the cache.
 */
export function peerNameOf(s: string, start: number, end: number, hash: number): string {
  const n = end - start;
  if (n === 1 && s.charCodeAt(start) === 45) return '';
  if (n === 0) return '';
  const h = hash ^ Math.imul(n, 0x9e3779b1);
  const slot = (h ^ (h >>> 15)) & (PEER_SLOTS - 1);
  const cached = peerCache[slot];
  // indexOf rather than startsWith, which V8 runs slowly for search strings this long.
  if (cached.length === n && s.indexOf(cached, start) === start) return cached;
  const name = s.slice(start, end);
  peerCache[slot] = name;
  return name;
}

function peerName(s: string, start: number, end: number): string {
  return peerNameOf(s, start, end, peerHash(s, start, end));
}

/** True when `s[start, end)` holds one token (no `,` or space), or the variable is not logged (start < 0). */
function oneToken(s: string, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    const c = s.charCodeAt(p);
    if (c === 44 || c === 32) return false;
  }
  return true;
}

/** The status of a one-token value: three digits, else 0 (as readToken reads it). */
function tokenStatus(s: string, start: number, end: number): number {
  const v = parseStatus3(s, start, end);
  return v < 0 ? 0 : v;
}

const lineFields = createUpstreamFields();

/**
 * attemptsOf for the `$upstream_*` values of one line, each given as `[start, end)` in `line` (start -1
 * when the format does not log it). The usual line (one attempt, every value a single token) is read
 * without the general machinery.
 */
export function lineAttempts(
  line: string,
  sAddr: number, eAddr: number,
  sStatus: number, eStatus: number,
  sConnect: number, eConnect: number,
  sHeader: number, eHeader: number,
  sResponse: number, eResponse: number,
  sBytes: number, eBytes: number,
): Attempt[] {
  if (
    oneToken(line, sAddr, eAddr) && oneToken(line, sStatus, eStatus) && oneToken(line, sConnect, eConnect) &&
    oneToken(line, sHeader, eHeader) && oneToken(line, sResponse, eResponse) && oneToken(line, sBytes, eBytes)
  ) {
    // The lead variable (see attemptsOf) decides between no attempt and one.
    let ls = sAddr;
    let le = eAddr;
    if (ls < 0) {
      if (sStatus >= 0) { ls = sStatus; le = eStatus; }
      else if (sResponse >= 0) { ls = sResponse; le = eResponse; }
      else if (sHeader >= 0) { ls = sHeader; le = eHeader; }
      else if (sConnect >= 0) { ls = sConnect; le = eConnect; }
      else if (sBytes >= 0) { ls = sBytes; le = eBytes; }
      else return [];
    }
    if (isNone(line, ls, le)) return [];
    return [
      {
        addr: sAddr < 0 ? '' : peerName(line, sAddr, eAddr),
        status: sStatus < 0 ? 0 : tokenStatus(line, sStatus, eStatus),
        connect: sConnect < 0 ? NaN : parseDecimal(line, sConnect, eConnect),
        header: sHeader < 0 ? NaN : parseDecimal(line, sHeader, eHeader),
        response: sResponse < 0 ? NaN : parseDecimal(line, sResponse, eResponse),
        bytesReceived: sBytes < 0 ? NaN : parseCount(line, sBytes, eBytes),
        afterRedirect: false,
      },
    ];
  }
  const f = lineFields;
  setField(f, UF_ADDR, line, sAddr, eAddr);
  setField(f, UF_STATUS, line, sStatus, eStatus);
  setField(f, UF_CONNECT, line, sConnect, eConnect);
  setField(f, UF_HEADER, line, sHeader, eHeader);
  setField(f, UF_RESPONSE, line, sResponse, eResponse);
  setField(f, UF_BYTES, line, sBytes, eBytes);
  const attempts = attemptsOf(f);
  // Do not keep the line alive until the next call.
  f.text.fill(undefined);
  return attempts;
}

function setField(f: UpstreamFields, k: number, line: string, start: number, end: number): void {
  f.text[k] = start < 0 ? undefined : line;
  f.start[k] = start;
  f.end[k] = end;
}

const scratch = createUpstreamFields();

function put(k: number, v: string | undefined): void {
  scratch.text[k] = v;
  scratch.start[k] = 0;
  scratch.end[k] = v === undefined ? 0 : v.length;
}

/**
 * Splits the `$upstream_*` values of one log line into attempts. Pass `undefined` for a variable the
 * format does not log. See attemptsOf for the rules.
 */
export function parseAttempts(
  addr: string | undefined,
  status: string | undefined,
  connect: string | undefined,
  header: string | undefined,
  response: string | undefined,
  bytesReceived: string | undefined,
): Attempt[] {
  put(UF_ADDR, addr);
  put(UF_STATUS, status);
  put(UF_CONNECT, connect);
  put(UF_HEADER, header);
  put(UF_RESPONSE, response);
  put(UF_BYTES, bytesReceived);
  const attempts = attemptsOf(scratch);
  // Do not keep the caller's strings alive.
  scratch.text.fill(undefined);
  return attempts;
}
