// Compiles an nginx `log_format` string into a line parser. The format is split once into literals and
// variables; parsing a line then walks it with `indexOf` on the literal that follows each variable, reads
// the few fields the diagnosis uses straight from the line, and steps over every other value without
// copying it.

import {
  attemptsOf,
  createUpstreamFields,
  parseCount,
  parseDecimal,
  parseStatus3,
  UF_ADDR,
  UF_BYTES,
  UF_CONNECT,
  UF_HEADER,
  UF_RESPONSE,
  UF_STATUS,
} from './upstreamValues';
import { parseMsec, parseTimeIso, parseTimeLocal, type TzOut } from './time';
import type { AccessRecord } from './types';

/** What a variable contributes to an AccessRecord. */
export enum Role {
  Skip = 0,
  Msec,
  TimeIso,
  TimeLocal,
  Status,
  BodyBytes,
  BytesSent,
  RequestTime,
  Request,
  Method,
  Uri,
  UpAddr,
  UpStatus,
  UpConnect,
  UpHeader,
  UpResponse,
  UpBytes,
}
export const ROLE_COUNT = 17;

const ROLE_BY_VARIABLE: Record<string, Role> = {
  msec: Role.Msec,
  time_iso8601: Role.TimeIso,
  time_local: Role.TimeLocal,
  status: Role.Status,
  body_bytes_sent: Role.BodyBytes,
  bytes_sent: Role.BytesSent,
  request_time: Role.RequestTime,
  request: Role.Request,
  request_method: Role.Method,
  request_uri: Role.Uri,
  upstream_addr: Role.UpAddr,
  upstream_status: Role.UpStatus,
  upstream_connect_time: Role.UpConnect,
  upstream_header_time: Role.UpHeader,
  upstream_response_time: Role.UpResponse,
  upstream_bytes_received: Role.UpBytes,
};

/** The role of an nginx variable name (without `$`, any case); Skip for everything the record ignores. */
export function roleOf(variable: string): Role {
  return ROLE_BY_VARIABLE[variable.toLowerCase()] ?? Role.Skip;
}

/**
 * Given the variables a format logs, the role each one actually fills: the first occurrence wins, and
 * where the record has a preference (`$body_bytes_sent` over `$bytes_sent`, `$request` over method + uri)
 * the other one is skipped. All three time variables stay: `$msec` gives the time, the others the offset.
 */
export function assignRoles(variables: readonly string[]): Role[] {
  const roles = variables.map(roleOf);
  const seen = new Set<Role>();
  for (let i = 0; i < roles.length; i++) {
    if (seen.has(roles[i])) roles[i] = Role.Skip;
    else seen.add(roles[i]);
  }
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i];
    if (r === Role.BytesSent && seen.has(Role.BodyBytes)) roles[i] = Role.Skip;
    if ((r === Role.Method || r === Role.Uri) && seen.has(Role.Request)) roles[i] = Role.Skip;
  }
  return roles;
}

/** A format string nginx would refuse (unclosed `${`, empty name). */
export class LogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFormatError';
  }
}

export interface FormatParts {
  /** `literals.length === variables.length + 1`: literal, variable, literal, …, literal. */
  literals: string[];
  /** Variable names as written, without `$` / braces. */
  variables: string[];
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Splits a log_format string into literals and variables the way nginx reads `$name` and `${name}`. */
export function splitFormat(format: string): FormatParts {
  const literals: string[] = [];
  const variables: string[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format.charCodeAt(i);
    if (c !== 36 /* $ */) {
      lit += format[i++];
      continue;
    }
    let name: string;
    if (format.charCodeAt(i + 1) === 123 /* { */) {
      const close = format.indexOf('}', i + 2);
      if (close < 0) throw new LogFormatError(`log_format: the closing "}" of the variable at offset ${i} is missing`);
      name = format.slice(i + 2, close);
      for (let k = 0; k < name.length; k++) {
        if (!isNameChar(name.charCodeAt(k))) {
          throw new LogFormatError(`log_format: invalid variable name "\${${name}}"`);
        }
      }
      if (name.length === 0) throw new LogFormatError(`log_format: empty variable name "\${}" at offset ${i}`);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < format.length && isNameChar(format.charCodeAt(j))) j++;
      if (j === i + 1) {
        // A `$` not followed by a name is text (nginx would reject the format; reading it as text is kinder).
        lit += '$';
        i++;
        continue;
      }
      name = format.slice(i + 1, j);
      i = j;
    }
    literals.push(lit);
    variables.push(name);
    lit = '';
  }
  literals.push(lit);
  return { literals, variables };
}

const UTF8 = new TextDecoder('utf-8');

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Undoes the escaping a log value may carry: nginx's `\xHH` (its default escaping of `"`, `\` and bytes
 * outside printable ASCII; runs of bytes are decoded as UTF-8) and JSON's `\"`, `\\`, `\/`, `\n`, `\uXXXX`
 * (escape=json, and other producers). An unknown escape is left as written.
 */
export function unescapeLogValue(s: string): string {
  let bs = s.indexOf('\\');
  if (bs < 0) return s;
  let out = s.slice(0, bs);
  let bytes: number[] | null = null;
  let i = bs;
  const flush = (): void => {
    if (bytes !== null && bytes.length > 0) {
      out += UTF8.decode(Uint8Array.from(bytes));
      bytes.length = 0;
    }
  };
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 92 /* \ */ || i + 1 >= s.length) {
      flush();
      bs = s.indexOf('\\', i + 1);
      const stop = bs < 0 ? s.length : bs;
      out += s.slice(i, stop);
      i = stop;
      continue;
    }
    const e = s.charCodeAt(i + 1);
    if (e === 120 /* x */) {
      const hi = hexValue(s.charCodeAt(i + 2));
      const lo = hexValue(s.charCodeAt(i + 3));
      if (hi >= 0 && lo >= 0) {
        (bytes ??= []).push(hi * 16 + lo);
        i += 4;
        continue;
      }
    }
    flush();
    let rep: string | null = null;
    let width = 2;
    switch (e) {
      case 34: rep = '"'; break;
      case 92: rep = '\\'; break;
      case 47: rep = '/'; break;
      case 110: rep = '\n'; break;
      case 114: rep = '\r'; break;
      case 116: rep = '\t'; break;
      case 98: rep = '\b'; break;
      case 102: rep = '\f'; break;
      case 117: {
        const h1 = hexValue(s.charCodeAt(i + 2));
        const h2 = hexValue(s.charCodeAt(i + 3));
        const h3 = hexValue(s.charCodeAt(i + 4));
        const h4 = hexValue(s.charCodeAt(i + 5));
        if (h1 >= 0 && h2 >= 0 && h3 >= 0 && h4 >= 0) {
          rep = String.fromCharCode((h1 << 12) | (h2 << 8) | (h3 << 4) | h4);
          width = 6;
        }
        break;
      }
    }
    if (rep === null) {
      out += s.slice(i, i + 2);
    } else {
      out += rep;
    }
    i += width;
  }
  flush();
  return out;
}

// How the end of a value is found.
enum Scan {
  /** Last variable, nothing after it: the value runs to the end of the line. */
  ToEnd,
  /** Last variable before a final literal: the line must end with that literal. */
  EndsWith,
  /** First occurrence of the following literal. */
  IndexOf,
  /**
   * Value between `"`: the first following literal not preceded by an escaping backslash (for the last
   * variable too, so a line with more fields after the closing quote is not a match).
   */
  Quoted,
  /** `, ` / ` : ` lists (`$upstream_*`, X-Forwarded-For) before a literal starting with a space. */
  List,
  /** `$time_local` always has 26 characters and contains a space. */
  Fixed,
  /** No literal before the next variable: the value is the run of characters its kind can contain. */
  Run,
}

const TIME_LOCAL_LEN = 26;

function isListVariable(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('upstream_') || n === 'http_x_forwarded_for' || n === 'proxy_add_x_forwarded_for';
}

/** Variables whose values are numbers or times (how far an adjacent-variable run reaches). */
const NUMERIC_ROLES = new Set<Role>([Role.Msec, Role.TimeIso, Role.Status, Role.BodyBytes, Role.BytesSent, Role.RequestTime]);

/** Whether `c` can appear in a numeric-looking value (digits, `.`, `-`, and the `:` `+` `T` `Z` of times). */
function isNumericChar(c: number): boolean {
  return (c >= 48 && c <= 58) || c === 46 || c === 45 || c === 43 || c === 84 || c === 90;
}

export interface AccessFormatParser {
  /** The format as given. */
  readonly format: string;
  /** The variables the format logs, in order, as written (without `$`). */
  readonly variables: string[];
  /** The record of one line, or null when the line does not have the format's shape. */
  parse(line: string): AccessRecord | null;
}

const tz: TzOut = { tzOffsetMin: NaN };

class CompiledFormat implements AccessFormatParser {
  readonly format: string;
  readonly variables: string[];
  private readonly head: string;
  /** `lits[i]` follows variable i. */
  private readonly lits: string[];
  private readonly scans: Scan[];
  private readonly roles: Role[];
  private readonly has: boolean[];
  /** Where each role's value starts / ends in the current line (only roles the format has are read). */
  private readonly starts = new Int32Array(ROLE_COUNT);
  private readonly ends = new Int32Array(ROLE_COUNT);
  private readonly numericRun: boolean[];
  private readonly upstream = createUpstreamFields();
  /** The role feeding each UpstreamFields slot. */
  private readonly upstreamRoles: Role[] = [];

  constructor(format: string) {
    if (format.length === 0) throw new LogFormatError('log_format: the format is empty');
    const { literals, variables } = splitFormat(format);
    this.format = format;
    this.variables = variables;
    this.head = literals[0];
    this.lits = literals.slice(1);
    this.roles = assignRoles(variables);
    this.has = new Array<boolean>(ROLE_COUNT).fill(false);
    for (const r of this.roles) if (r !== Role.Skip) this.has[r] = true;
    const n = variables.length;
    this.upstreamRoles[UF_ADDR] = Role.UpAddr;
    this.upstreamRoles[UF_STATUS] = Role.UpStatus;
    this.upstreamRoles[UF_CONNECT] = Role.UpConnect;
    this.upstreamRoles[UF_HEADER] = Role.UpHeader;
    this.upstreamRoles[UF_RESPONSE] = Role.UpResponse;
    this.upstreamRoles[UF_BYTES] = Role.UpBytes;
    this.scans = [];
    this.numericRun = [];
    for (let i = 0; i < n; i++) {
      const before = literals[i];
      const after = literals[i + 1];
      const name = variables[i].toLowerCase();
      const last = i === n - 1;
      let scan: Scan;
      if (name === 'time_local') scan = Scan.Fixed;
      else if (after.length === 0) scan = last ? Scan.ToEnd : Scan.Run;
      else if (before.endsWith('"') && after.startsWith('"')) scan = Scan.Quoted;
      else if (last) scan = Scan.EndsWith;
      else if (after.charCodeAt(0) === 32 && isListVariable(name)) scan = Scan.List;
      else scan = Scan.IndexOf;
      this.scans.push(scan);
      this.numericRun.push(NUMERIC_ROLES.has(roleOf(name)));
    }
  }

  parse(line: string): AccessRecord | null {
    const head = this.head;
    if (head.length !== 0 && !line.startsWith(head)) return null;
    const lits = this.lits;
    const scans = this.scans;
    const roles = this.roles;
    const starts = this.starts;
    const ends = this.ends;
    const n = lits.length;
    const len = line.length;
    let pos = head.length;
    for (let i = 0; i < n; i++) {
      const lit = lits[i];
      let end: number;
      switch (scans[i]) {
        case Scan.ToEnd:
          end = len;
          break;
        case Scan.EndsWith:
          end = len - lit.length;
          if (end < pos || !line.endsWith(lit)) return null;
          break;
        case Scan.IndexOf:
          end = line.indexOf(lit, pos);
          break;
        case Scan.Quoted:
          end = line.indexOf(lit, pos);
          while (end > pos && line.charCodeAt(end - 1) === 92 && isEscaped(line, end, pos)) end = line.indexOf(lit, end + 1);
          break;
        case Scan.List:
          end = findListEnd(line, lit, pos);
          break;
        case Scan.Fixed:
          end = pos + TIME_LOCAL_LEN;
          if (end > len || !line.startsWith(lit, end)) return null;
          break;
        default:
          end = this.runEnd(line, pos, i);
      }
      if (end < 0) return null;
      const role = roles[i];
      if (role !== Role.Skip) {
        starts[role] = pos;
        ends[role] = end;
      }
      pos = end + lit.length;
    }
    if (pos !== len) return null;
    return this.build(line);
  }

  /** End of a value with no literal before the next variable. */
  private runEnd(line: string, pos: number, i: number): number {
    let p = pos;
    const len = line.length;
    if (this.numericRun[i]) {
      while (p < len && isNumericChar(line.charCodeAt(p))) p++;
    } else {
      while (p < len && line.charCodeAt(p) !== 32) p++;
    }
    return p;
  }

  private build(line: string): AccessRecord | null {
    const has = this.has;
    const starts = this.starts;
    const ends = this.ends;
    let time = NaN;
    let tzOffsetMin = NaN;
    if (has[Role.Msec]) {
      time = parseMsec(line, starts[Role.Msec], ends[Role.Msec]);
      if (time !== time) return null;
    }
    if (has[Role.TimeIso]) {
      const t = parseTimeIso(line, starts[Role.TimeIso], ends[Role.TimeIso], tz);
      if (t !== t) return null;
      if (time !== time) time = t;
      tzOffsetMin = tz.tzOffsetMin;
    }
    if (has[Role.TimeLocal]) {
      // Read in full even when `$msec` gave the time: a line with a broken date is not a match.
      const t = parseTimeLocal(line, starts[Role.TimeLocal], ends[Role.TimeLocal], tz);
      if (t !== t) return null;
      if (time !== time) time = t;
      if (tzOffsetMin !== tzOffsetMin) tzOffsetMin = tz.tzOffsetMin;
    }
    let status = 0;
    if (has[Role.Status]) {
      status = parseStatus3(line, starts[Role.Status], ends[Role.Status]);
      if (status < 0) return null;
    }
    let bytesSent = NaN;
    if (has[Role.BodyBytes]) bytesSent = parseCount(line, starts[Role.BodyBytes], ends[Role.BodyBytes]);
    else if (has[Role.BytesSent]) bytesSent = parseCount(line, starts[Role.BytesSent], ends[Role.BytesSent]);
    const requestTime = has[Role.RequestTime]
      ? parseDecimal(line, starts[Role.RequestTime], ends[Role.RequestTime])
      : NaN;
    let request = '';
    if (has[Role.Request]) {
      request = unescapeLogValue(line.slice(starts[Role.Request], ends[Role.Request]));
    } else if (has[Role.Method] || has[Role.Uri]) {
      const method = has[Role.Method] ? unescapeLogValue(line.slice(starts[Role.Method], ends[Role.Method])) : '';
      const uri = has[Role.Uri] ? unescapeLogValue(line.slice(starts[Role.Uri], ends[Role.Uri])) : '';
      request = method.length > 0 && uri.length > 0 ? `${method} ${uri}` : method + uri;
    }
    const up = this.upstream;
    for (let k = 0; k < 6; k++) {
      const role = this.upstreamRoles[k];
      if (has[role]) {
        up.text[k] = line;
        up.start[k] = starts[role];
        up.end[k] = ends[role];
      }
    }
    const attempts = attemptsOf(up);
    // Do not keep the line alive until the next call.
    for (let k = 0; k < 6; k++) up.text[k] = undefined;
    return { time, tzOffsetMin, status, bytesSent, requestTime, request, attempts };
  }
}

/** Whether the `"` at `at` is escaped by an odd run of backslashes (not counting before `from`). */
function isEscaped(line: string, at: number, from: number): boolean {
  let p = at - 1;
  while (p >= from && line.charCodeAt(p) === 92) p--;
  return ((at - 1 - p) & 1) === 1;
}

/** End of a `, ` / ` : ` separated list: a following literal that starts a list separator is not it. */
function findListEnd(line: string, lit: string, pos: number): number {
  let end = line.indexOf(lit, pos);
  while (end > pos) {
    const prev = line.charCodeAt(end - 1);
    if (prev === 44 /* , */) {
      end = line.indexOf(lit, end + 1);
    } else if (line.charCodeAt(end + 1) === 58 /* : */ && line.charCodeAt(end + 2) === 32 && !lit.startsWith(' : ')) {
      end = line.indexOf(lit, end + 3);
    } else {
      break;
    }
  }
  return end;
}

/** Compiles an nginx log_format string (adjacent quoted parts already joined) into a line parser. */
export function compileAccessFormat(format: string): AccessFormatParser {
  return new CompiledFormat(format);
}
