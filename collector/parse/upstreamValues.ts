// nginx's `$upstream_*` variables hold one value per upstream attempt: `, ` between tries of one
// proxy_next_upstream sequence and ` : ` where an internal redirect (X-Accel-Redirect, error_page) started
// a new sequence. All of them are written by the same walk over the request's attempt list, so the n-th
// value of every variable belongs to the n-th attempt. The values are kept per attempt, never summed.

import type { Attempt } from './types';

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

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
      // `-` in the list means nginx had no peer name for this attempt.
      if (!(tokEnd - tokStart === 1 && (addr as string).charCodeAt(tokStart) === 45)) {
        addrText = (addr as string).slice(tokStart, tokEnd);
      }
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
