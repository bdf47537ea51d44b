// JSON-lines access logs, as `log_format name escape=json '{"status":"$status",…}'` writes them. When
// the format is known, its keys say which variable each value holds (nested objects included); without
// it, the usual key names are recognised. Values may be strings or numbers.

import { compileAccessFormat, type AccessFormatParser } from './compile';
import { assignRoles, loggedBit, Role, ROLE_COUNT, splitFormat } from './formatSpec';
import { parseMsec, parseTimeIso, parseTimeLocal, type TzOut } from '../time';
import { parseAttempts, parseCount, parseDecimal, parseStatus3 } from './upstreamValues';
import type { AccessRecord } from '../types';

/**
 * The format with each variable outside a string quoted (`"status":$status` → `"status":"$status"`), so
 * that a JSON-shaped format becomes parseable JSON. Null when it is not JSON-shaped.
 */
function formatAsJsonTemplate(format: string): Record<string, unknown> | null {
  const trimmed = format.trim();
  if (trimmed.charCodeAt(0) !== 123 || trimmed.charCodeAt(trimmed.length - 1) !== 125) return null;
  let out = '';
  let inString = false;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      out += ch;
      if (ch === '\\' && i + 1 < trimmed.length) out += trimmed[++i];
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '$') {
      let j = i + 1;
      if (trimmed[j] === '{') {
        const close = trimmed.indexOf('}', j);
        if (close < 0) return null;
        j = close + 1;
      } else {
        while (j < trimmed.length && /[A-Za-z0-9_]/.test(trimmed[j])) j++;
      }
      out += JSON.stringify(trimmed.slice(i, j));
      i = j - 1;
      continue;
    }
    out += ch;
  }
  try {
    const parsed: unknown = JSON.parse(out);
    return isPlainObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the format string is a JSON object template (what `escape=json` formats look like). */
export function isJsonShapedFormat(format: string): boolean {
  return formatAsJsonTemplate(format) !== null;
}

/** Key path (`["upstream","addr"]`) → the variable its value holds, for keys whose value is one variable. */
export function jsonFormatFields(format: string): Array<{ path: string[]; variable: string }> {
  const template = formatAsJsonTemplate(format);
  const fields: Array<{ path: string[]; variable: string }> = [];
  if (template === null) return fields;
  const walk = (obj: Record<string, unknown>, prefix: string[]): void => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const path = [...prefix, key];
      if (isPlainObject(value)) {
        walk(value, path);
      } else if (typeof value === 'string') {
        const parts = splitFormat(value);
        if (parts.variables.length === 1 && parts.literals[0] === '' && parts.literals[1] === '') {
          fields.push({ path, variable: parts.variables[0] });
        }
      }
    }
  };
  walk(template, []);
  return fields;
}

// Key names recognised without a format, per role, most specific first.
const KEY_NAMES: Array<[Role, string[]]> = [
  [Role.Msec, ['msec']],
  [Role.TimeIso, ['time_iso8601']],
  [Role.TimeLocal, ['time_local']],
  [Role.Status, ['status', 'status_code', 'http_status', 'response_status', 'response_code']],
  [Role.BodyBytes, ['body_bytes_sent']],
  [Role.BytesSent, ['bytes_sent', 'bytes']],
  [Role.RequestTime, ['request_time']],
  [Role.Request, ['request']],
  [Role.Method, ['request_method', 'method']],
  [Role.Uri, ['request_uri', 'uri']],
  [Role.UpAddr, ['upstream_addr', 'upstream']],
  [Role.UpStatus, ['upstream_status']],
  [Role.UpConnect, ['upstream_connect_time']],
  [Role.UpHeader, ['upstream_header_time']],
  [Role.UpResponse, ['upstream_response_time']],
  [Role.UpBytes, ['upstream_bytes_received']],
  [Role.RemoteAddr, ['remote_addr', 'client', 'client_ip']],
];
/** Keys whose time format is told by the value's shape. */
const ANY_TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'datetime'];

const TIME_ROLES = [Role.Msec, Role.TimeIso, Role.TimeLocal];

const tz: TzOut = { tzOffsetMin: NaN };

/** A JSON value as the text nginx would have written for a multi-value variable. */
function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const item of v) parts.push(asText(item) ?? '-');
    return parts.join(', ');
  }
  return undefined;
}

function asNumber(v: unknown, parse: (s: string) => number): number {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : NaN;
  if (typeof v === 'string') return parse(v);
  return NaN;
}

/** Seconds (or milliseconds when too large to be seconds) since the epoch as a number → epoch ms. */
function epochNumberMs(v: number): number {
  if (!Number.isFinite(v) || v < 0) return NaN;
  return v >= 1e11 ? v : Math.round(v * 1000);
}

/** A time of any of the shapes nginx writes, told apart by its characters. */
function anyTime(v: unknown, out: TzOut): number {
  out.tzOffsetMin = NaN;
  if (typeof v === 'number') return epochNumberMs(v);
  if (typeof v !== 'string' || v.length < 4) return NaN;
  if (v.charCodeAt(4) === 45) return parseTimeIso(v, 0, v.length, out);
  if (v.charCodeAt(2) === 47) return parseTimeLocal(v, 0, v.length, out);
  const whole = parseCount(v);
  if (whole === whole) return whole >= 1e11 ? whole : whole * 1000; // integers that large are already ms
  return parseMsec(v);
}

function timeOf(role: Role, v: unknown, out: TzOut): number {
  out.tzOffsetMin = NaN;
  if (role === Role.Msec) return typeof v === 'number' ? epochNumberMs(v) : typeof v === 'string' ? parseMsec(v) : NaN;
  if (typeof v !== 'string') return NaN;
  return role === Role.TimeIso ? parseTimeIso(v, 0, v.length, out) : parseTimeLocal(v, 0, v.length, out);
}

/** The record from the value of each role (undefined = not present); null when time or status is invalid. */
function buildRecord(values: unknown[], anyTimeValue: unknown): AccessRecord | null {
  let time = NaN;
  let tzOffsetMin = NaN;
  for (const role of TIME_ROLES) {
    const v = values[role];
    if (v === undefined || v === null) continue;
    const t = timeOf(role, v, tz);
    if (t !== t) return null;
    if (time !== time) time = t;
    if (tzOffsetMin !== tzOffsetMin) tzOffsetMin = tz.tzOffsetMin;
  }
  if (anyTimeValue !== undefined && anyTimeValue !== null) {
    const t = anyTime(anyTimeValue, tz);
    if (t !== t) return null;
    if (time !== time) time = t;
    if (tzOffsetMin !== tzOffsetMin) tzOffsetMin = tz.tzOffsetMin;
  }
  let status = 0;
  const sv = values[Role.Status];
  if (sv !== undefined && sv !== null) {
    if (typeof sv === 'number') status = Number.isInteger(sv) && sv >= 0 && sv <= 999 ? sv : -1;
    else status = typeof sv === 'string' ? parseStatus3(sv) : -1;
    if (status < 0) return null;
  }
  let bytesSent = asNumber(values[Role.BodyBytes], parseCount);
  if (values[Role.BodyBytes] === undefined) bytesSent = asNumber(values[Role.BytesSent], parseCount);
  const requestTime = asNumber(values[Role.RequestTime], parseDecimal);
  let request = asText(values[Role.Request]) ?? '';
  if (values[Role.Request] === undefined) {
    const method = asText(values[Role.Method]) ?? '';
    const uri = asText(values[Role.Uri]) ?? '';
    request = method.length > 0 && uri.length > 0 ? `${method} ${uri}` : method + uri;
  }
  const attempts = parseAttempts(
    asText(values[Role.UpAddr]),
    asText(values[Role.UpStatus]),
    asText(values[Role.UpConnect]),
    asText(values[Role.UpHeader]),
    asText(values[Role.UpResponse]),
    asText(values[Role.UpBytes]),
  );
  let logged = 0;
  for (let role = 1; role < ROLE_COUNT; role++) if (values[role] !== undefined && values[role] !== null) logged |= loggedBit(role);
  const client = asText(values[Role.RemoteAddr]) ?? '';
  return { time, tzOffsetMin, status, bytesSent, requestTime, request, attempts, client, logged };
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

export interface JsonLineParser {
  /** The record of one JSON line, or null (invalid JSON, not an object, invalid time or status). */
  parse(line: string): AccessRecord | null;
}

/** Parser for JSON access lines whose keys are those of a known JSON-shaped log_format. */
class TemplateJsonParser implements JsonLineParser {
  /** The same format read as text: nginx writes the keys in template order, and this is the fast path. */
  private readonly text: AccessFormatParser;
  private readonly paths: Array<string[] | null>;
  private readonly values: unknown[] = new Array(ROLE_COUNT);

  constructor(format: string, fields: Array<{ path: string[]; variable: string }>) {
    this.text = compileAccessFormat(format);
    const roles = assignRoles(fields.map((f) => f.variable));
    this.paths = new Array<string[] | null>(ROLE_COUNT).fill(null);
    roles.forEach((role, i) => {
      if (role !== Role.Skip) this.paths[role] = fields[i].path;
    });
  }

  parse(line: string): AccessRecord | null {
    const fast = this.text.parse(line);
    if (fast !== null) return fast;
    // Re-serialised by a shipper (other key order or spacing), or a value nginx wrote unquoted.
    const obj = parseObject(line);
    if (obj === null) return null;
    const values = this.values;
    for (let role = 0; role < ROLE_COUNT; role++) {
      const path = this.paths[role];
      values[role] = path === null ? undefined : lookup(obj, path);
    }
    return buildRecord(values, undefined);
  }
}

function lookup(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Parser for JSON access lines of an unknown format: the common key names. */
class KeyNameJsonParser implements JsonLineParser {
  private readonly values: unknown[] = new Array(ROLE_COUNT);

  parse(line: string): AccessRecord | null {
    const obj = parseObject(line);
    if (obj === null) return null;
    const values = this.values;
    values.fill(undefined);
    for (const [role, names] of KEY_NAMES) {
      for (const name of names) {
        const v = obj[name];
        if (v !== undefined && v !== null) {
          values[role] = v;
          break;
        }
      }
    }
    let anyTimeValue: unknown;
    if (values[Role.TimeIso] === undefined && values[Role.TimeLocal] === undefined) {
      for (const name of ANY_TIME_KEYS) {
        const v = obj[name];
        if (v !== undefined && v !== null) {
          anyTimeValue = v;
          break;
        }
      }
      if (values[Role.Msec] !== undefined && anyTimeValue !== undefined) {
        // `msec` gives the time; a guessed key can only add the zone, and is ignored if it cannot.
        anyTime(anyTimeValue, tz);
        if (tz.tzOffsetMin === tz.tzOffsetMin) {
          // Only strings carry a zone; put it where its shape says it belongs.
          values[(anyTimeValue as string).charCodeAt(2) === 47 ? Role.TimeLocal : Role.TimeIso] = anyTimeValue;
        }
        anyTimeValue = undefined;
      }
    }
    // Neither a time nor a status: some other JSON, not an access-log line.
    if (anyTimeValue === undefined && values[Role.Status] === undefined && values[Role.Msec] === undefined &&
        values[Role.TimeIso] === undefined && values[Role.TimeLocal] === undefined) {
      return null;
    }
    return buildRecord(values, anyTimeValue);
  }
}

/**
 * A JSON access-line parser. With a JSON-shaped log_format its keys are used (fast path: the format read
 * as text); with no format, or one that is not JSON-shaped, the usual key names are recognised.
 */
export function createJsonLineParser(format?: string): JsonLineParser {
  if (format !== undefined) {
    const fields = jsonFormatFields(format);
    if (fields.length > 0) return new TemplateJsonParser(format, fields);
  }
  return new KeyNameJsonParser();
}
