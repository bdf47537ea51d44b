// The generated line parser against the straightforward one it replaced, kept here as the reference: a
// loop over the format's literals with indexOf, each needed value read from its extent afterwards, and
// the `$upstream_*` lists split by a general token reader. Every line must give the same record (or null)
// from both: lines of the benchmark generator, lines rendered from random values with many formats, and
// those lines damaged at random.

import fc from 'fast-check';
import { accessLogLines } from '../../../bench/generate';
import { compileAccessFormat } from './compile';
import { assignRoles, loggedMask, Role, ROLE_COUNT, roleOf, splitFormat } from './formatSpec';
import { unescapeLogValue } from './unescape';
import { COMBINED, UPSTREAM_DOCTOR_FORMAT } from './namedFormats';
import { parseMsec, parseTimeIso, parseTimeLocal, type TzOut } from '../time';
import type { AccessRecord, Attempt } from '../types';
import { parseCount, parseDecimal, parseStatus3 } from './upstreamValues';

// ---- The reference: the previous implementation, condensed. ----

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const ADDR = 0;
const STATUS = 1;
const SECONDS = 2;
const COUNT = 3;

interface Token {
  value: number;
  start: number;
  end: number;
  /** Where the next token starts; -1 once the list is exhausted. */
  next: number;
  redirectAfter: boolean;
}

function readToken(s: string, from: number, end: number, kind: number): Token {
  let p = from;
  while (p < end && s.charCodeAt(p) === 32) p++;
  const start = p;
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
  const tokEnd = p;
  while (p < end && s.charCodeAt(p) === 32) p++;
  let redirectAfter = false;
  let next: number;
  if (p >= end) {
    next = -1;
  } else {
    const c = s.charCodeAt(p);
    if (c === 44) p++;
    else if (c === 58) {
      redirectAfter = true;
      p++;
    }
    next = p;
  }
  let value: number;
  if (kind === ADDR) value = NaN;
  else if (bad || digitCount === 0 || digitCount > 15) value = kind === STATUS ? 0 : NaN;
  else if (kind === SECONDS) value = fracDigits > 0 ? v / POW10[fracDigits] : v;
  else if (fracDigits >= 0) value = kind === STATUS ? 0 : NaN;
  else if (kind === STATUS) value = digitCount === 3 ? v : 0;
  else value = v;
  return { value, start, end: tokEnd, next, redirectAfter };
}

/** Extents of the six `$upstream_*` values (addr, status, connect, header, response, bytes); null = not logged. */
type Extent = [number, number] | null;

function referenceAttempts(line: string, f: Extent[]): Attempt[] {
  const attempts: Attempt[] = [];
  const lead = [0, 1, 4, 3, 2, 5].find((k) => f[k] !== null);
  if (lead === undefined) return attempts;
  const [ls, le] = f[lead] as [number, number];
  if (le === ls || (le - ls === 1 && line.charCodeAt(ls) === 45)) return attempts;
  const kinds = [ADDR, STATUS, SECONDS, SECONDS, SECONDS, COUNT];
  const at = f.map((e) => (e === null ? -1 : e[0]));
  let afterRedirect = false;
  for (;;) {
    const values = [NaN, 0, NaN, NaN, NaN, NaN];
    let addr = '';
    let more = false;
    let redirectNext = false;
    for (let k = 0; k < 6; k++) {
      if (at[k] < 0) continue;
      const t = readToken(line, at[k], (f[k] as [number, number])[1], kinds[k]);
      at[k] = t.next;
      if (k === lead) {
        more = t.next >= 0;
        redirectNext = t.redirectAfter;
      }
      if (k === ADDR) {
        if (!(t.end - t.start === 1 && line.charCodeAt(t.start) === 45)) addr = line.slice(t.start, t.end);
      } else {
        values[k] = t.value;
      }
    }
    attempts.push({
      addr,
      status: values[1],
      connect: values[2],
      header: values[3],
      response: values[4],
      bytesReceived: values[5],
      afterRedirect,
    });
    if (!more) return attempts;
    afterRedirect = redirectNext;
  }
}

function isEscaped(line: string, at: number, from: number): boolean {
  let p = at - 1;
  while (p >= from && line.charCodeAt(p) === 92) p--;
  return ((at - 1 - p) & 1) === 1;
}

function findListEnd(line: string, lit: string, pos: number): number {
  let end = line.indexOf(lit, pos);
  while (end > pos) {
    const prev = line.charCodeAt(end - 1);
    if (prev === 44) end = line.indexOf(lit, end + 1);
    else if (line.charCodeAt(end + 1) === 58 && line.charCodeAt(end + 2) === 32 && !lit.startsWith(' : ')) end = line.indexOf(lit, end + 3);
    else break;
  }
  return end;
}

const NUMERIC_ROLES = new Set<Role>([Role.Msec, Role.TimeIso, Role.Status, Role.BodyBytes, Role.BytesSent, Role.RequestTime]);
const isNumericChar = (c: number): boolean => (c >= 48 && c <= 58) || c === 46 || c === 45 || c === 43 || c === 84 || c === 90;
const isListVariable = (n: string): boolean =>
  n.startsWith('upstream_') || n === 'http_x_forwarded_for' || n === 'proxy_add_x_forwarded_for';

function referenceParser(format: string): (line: string) => AccessRecord | null {
  const { literals, variables } = splitFormat(format);
  const head = literals[0];
  const lits = literals.slice(1);
  const roles = assignRoles(variables);
  const has = new Array<boolean>(ROLE_COUNT).fill(false);
  for (const r of roles) if (r !== Role.Skip) has[r] = true;
  const n = variables.length;
  const tz: TzOut = { tzOffsetMin: NaN };
  return (line) => {
    if (head.length !== 0 && !line.startsWith(head)) return null;
    const starts = new Array<number>(ROLE_COUNT).fill(0);
    const ends = new Array<number>(ROLE_COUNT).fill(0);
    const len = line.length;
    let pos = head.length;
    for (let i = 0; i < n; i++) {
      const lit = lits[i];
      const name = variables[i].toLowerCase();
      let end: number;
      if (name === 'time_local') {
        end = pos + 26;
        if (end > len || !line.startsWith(lit, end)) return null;
      } else if (lit.length === 0) {
        if (i === n - 1) end = len;
        else {
          end = pos;
          if (NUMERIC_ROLES.has(roleOf(name))) while (end < len && isNumericChar(line.charCodeAt(end))) end++;
          else while (end < len && line.charCodeAt(end) !== 32) end++;
        }
      } else if (literals[i].endsWith('"') && lit.startsWith('"')) {
        end = line.indexOf(lit, pos);
        while (end > pos && line.charCodeAt(end - 1) === 92 && isEscaped(line, end, pos)) end = line.indexOf(lit, end + 1);
      } else if (i === n - 1) {
        end = len - lit.length;
        if (end < pos || !line.endsWith(lit)) return null;
      } else if (lit.charCodeAt(0) === 32 && isListVariable(name)) {
        end = findListEnd(line, lit, pos);
      } else {
        end = line.indexOf(lit, pos);
      }
      if (end < 0) return null;
      if (roles[i] !== Role.Skip) {
        starts[roles[i]] = pos;
        ends[roles[i]] = end;
      }
      pos = end + lit.length;
    }
    if (pos !== len) return null;

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
    const requestTime = has[Role.RequestTime] ? parseDecimal(line, starts[Role.RequestTime], ends[Role.RequestTime]) : NaN;
    let request = '';
    if (has[Role.Request]) {
      request = unescapeLogValue(line.slice(starts[Role.Request], ends[Role.Request]));
    } else if (has[Role.Method] || has[Role.Uri]) {
      const method = has[Role.Method] ? unescapeLogValue(line.slice(starts[Role.Method], ends[Role.Method])) : '';
      const uri = has[Role.Uri] ? unescapeLogValue(line.slice(starts[Role.Uri], ends[Role.Uri])) : '';
      request = method.length > 0 && uri.length > 0 ? `${method} ${uri}` : method + uri;
    }
    const upstream = [Role.UpAddr, Role.UpStatus, Role.UpConnect, Role.UpHeader, Role.UpResponse, Role.UpBytes];
    const extents = upstream.map((r): Extent => (has[r] ? [starts[r], ends[r]] : null));
    const client = has[Role.RemoteAddr] ? line.slice(starts[Role.RemoteAddr], ends[Role.RemoteAddr]) : '';
    return { time, tzOffsetMin, status, bytesSent, requestTime, request, attempts: referenceAttempts(line, extents), client, logged: loggedMask(roles) };
  };
}

// ---- Formats covering every way the generated parser finds an end or reads a value. ----

const FORMATS: Record<string, string> = {
  upstream_doctor: UPSTREAM_DOCTOR_FORMAT,
  combined: COMBINED,
  // escape=json as nginx writes it: quoted strings, bare numbers, upstream values in quotes.
  json:
    '{"ts":"$time_iso8601","msec":$msec,"status":$status,"bytes":$body_bytes_sent,"rt":$request_time,' +
    '"req":"$request","ua":"$http_user_agent","ua_addr":"$upstream_addr","us":"$upstream_status",' +
    '"uc":"$upstream_connect_time","uh":"$upstream_header_time","ur":"$upstream_response_time","ub":"$upstream_bytes_received"}',
  // Unquoted lists, method + uri, ${var}, a run of adjacent variables, a numeric value before a `-` literal.
  unquoted:
    '${remote_addr}|[$time_iso8601] $request_method "${request_uri}" ${status}/${body_bytes_sent} ' +
    'rt=${request_time}s up: $upstream_addr ; $upstream_status ; $upstream_connect_time ; $upstream_response_time',
  adjacent: '$status$sent_http_content_type $request_time-$msec $bytes_sent',
  // Quoted numbers, upstream values in quotes but not all of them (so no one-attempt shortcut), a head.
  mixed:
    'v1 "$status" "$request_time" "$msec" [$time_local] "$upstream_addr" $upstream_status "$upstream_response_time" "$request"',
  // Upstream values in quotes without a number before them, the last one ending the line.
  tail: '$remote_addr "$request" "$upstream_status" "$upstream_addr" "$upstream_header_time" "$upstream_bytes_received"',
  // Only upstream timings (the lead is not $upstream_addr); $bytes_sent without $body_bytes_sent.
  timings: '$msec $bytes_sent "$upstream_response_time" "$upstream_connect_time" $time_local',
  // Long literals compared by indexOf where they must be at a known place: the head, after $time_local,
  // and at the end of the line.
  long_fixed: 'access-log-v2 client=$remote_addr [$time_local] ::: request-follows: "$request" $status rt=$request_time seconds-in-total',
  // Literals long enough for one RegExp to check them, full of RegExp syntax, a line separator, a `$`.
  special: '^(.*)$ [$status] {rt=$request_time}+?|\\d "$upstream_addr" \u2028 [a-z]*(?:x){2} "$upstream_status" $ (.)|^\\d+/',
};

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** Field by field; cheaper than toEqual on every line, which only runs to report a difference. */
function equalRecords(a: AccessRecord | null, b: AccessRecord | null): boolean {
  if (a === null || b === null) return a === b;
  if (!(sameNumber(a.time, b.time) && sameNumber(a.tzOffsetMin, b.tzOffsetMin) && sameNumber(a.status, b.status))) return false;
  if (!(sameNumber(a.bytesSent, b.bytesSent) && sameNumber(a.requestTime, b.requestTime) && a.request === b.request)) return false;
  if (a.attempts.length !== b.attempts.length) return false;
  return a.attempts.every((x, i) => {
    const y = b.attempts[i];
    return (
      x.addr === y.addr && sameNumber(x.status, y.status) && sameNumber(x.connect, y.connect) && sameNumber(x.header, y.header) &&
      sameNumber(x.response, y.response) && sameNumber(x.bytesReceived, y.bytesReceived) && x.afterRedirect === y.afterRedirect
    );
  });
}

function sameRecords(line: string, want: AccessRecord | null, got: AccessRecord | null): void {
  if (equalRecords(want, got) && Object.keys(got ?? {}).length === Object.keys(want ?? {}).length) return;
  try {
    expect(got).toEqual(want);
  } catch (err) {
    throw new Error(`line ${JSON.stringify(line)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  throw new Error(`line ${JSON.stringify(line)}: records differ`);
}

describe('generated parser = reference parser', () => {
  const pairs = Object.entries(FORMATS).map(([name, f]) => ({ name, ref: referenceParser(f), gen: compileAccessFormat(f) }));

  it('agrees on 20,000 lines of the benchmark generator (retries, redirects, aborts, static files)', () => {
    const ud = pairs[0];
    let several = 0;
    let none = 0;
    let unread = 0;
    for (const line of accessLogLines({ lines: 20_000, seed: 7 })) {
      const want = ud.ref(line);
      if (want === null) unread++;
      sameRecords(line, want, ud.gen.parse(line));
      if ((want?.attempts.length ?? 0) > 1) several++;
      if (want?.attempts.length === 0) none++;
    }
    // The sample holds lines with retries and redirects and lines without upstream, so the general
    // list reader and the no-attempt case were compared too.
    expect(unread).toBe(0);
    expect(several).toBeGreaterThan(100);
    expect(none).toBeGreaterThan(100);
  });

  // Value text as nginx and other producers write it, with everything that makes the parsers take a
  // slower path: separators, `-`, escapes, quotes, odd numbers.
  const arbNumber = fc.oneof(
    fc.nat(999).map(String),
    fc.nat(99_999).map((n) => (n / 1000).toFixed(3)),
    fc.constantFrom('-', '', '0', '1.', '.5', '1.2.3', '0123', '9999999999999999', '1e3', '-5', '12 ', ' 12'),
    fc.bigInt({ min: 0n, max: 10n ** 18n }).map(String),
    // Digit counts around the limits: 15 digits of a decimal, 12 + 9 of $msec.
    fc.tuple(fc.stringMatching(/^\d{0,14}$/), fc.stringMatching(/^\d{0,11}$/)).map(([a, b]) => `${a}.${b}`),
  );
  const arbList = (unit: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 4, arbitrary: unit },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.tuple(unit, fc.constantFrom(', ', ' : ', ',', ' ')), { minLength: 1, maxLength: 3 })
          .map((xs) => xs.map(([v, sep], i) => (i === 0 ? v : sep + v)).join('')),
      },
    );
  const arbAddr = fc.oneof(
    fc.constantFrom('10.0.0.1:8080', '10.0.0.2:8080', '[::1]:80', 'unix:/run/app.sock', 'backend', '-', ''),
    fc.tuple(fc.nat(255), fc.integer({ min: 1, max: 65535 })).map(([a, p]) => `10.1.${a}.9:${p}`),
  );
  const arbText = fc.string({ unit: fc.constantFrom('a', '/', ' ', '"', '\\', 'x', '2', ',', ':', '-', '.', '\\x22', 'é'), maxLength: 24 });
  const arbValues = fc.record({
    remote_addr: fc.oneof(fc.ipV4(), fc.constant('-')),
    time_local: fc.oneof(fc.constant('10/Oct/2024:12:00:0'), fc.constant('10/Oct/2024:12:01:3')).chain((p) => fc.nat(9).map((d) => `${p}${d} +0200`)),
    time_iso8601: fc.nat(59).map((s) => `2024-10-10T12:00:${String(s).padStart(2, '0')}+02:00`),
    msec: fc.oneof(fc.nat(999).map((m) => `1728554400.${String(m).padStart(3, '0')}`), arbNumber),
    request: fc.oneof(fc.constant('GET /api/v1/cart HTTP/1.1'), arbText),
    request_method: fc.constantFrom('GET', 'POST', ''),
    request_uri: arbText,
    status: fc.oneof(fc.constantFrom('200', '502', '499'), arbNumber),
    body_bytes_sent: arbNumber,
    bytes_sent: arbNumber,
    request_time: arbNumber,
    http_user_agent: arbText,
    sent_http_content_type: fc.constantFrom('text/html', '-', ''),
    upstream_addr: arbList(arbAddr),
    upstream_status: arbList(fc.oneof(fc.constantFrom('200', '502', '504', '-'), arbNumber)),
    upstream_connect_time: arbList(arbNumber),
    upstream_header_time: arbList(arbNumber),
    upstream_response_time: arbList(arbNumber),
    upstream_bytes_received: arbList(arbNumber),
  });
  const render = (format: string, values: Record<string, string>): string =>
    format.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_m, a: string | undefined, b: string | undefined) => values[(a ?? b) as string] ?? '-');

  it.each(Object.keys(FORMATS))('agrees on random values rendered with the %s format, and on those lines damaged', (name) => {
    const { ref, gen } = pairs.find((p) => p.name === name) as (typeof pairs)[number];
    const format = FORMATS[name];
    fc.assert(
      fc.property(arbValues, fc.nat(), fc.nat(6), fc.constantFrom('', '"', '\\', ' ', ',', '-', '.', '0', ' : '), (values, at, cut, ins) => {
        const line = render(format, values);
        sameRecords(line, ref(line), gen.parse(line));
        const p = at % (line.length + 1);
        const damaged = line.slice(0, p) + ins + line.slice(p + cut);
        sameRecords(damaged, ref(damaged), gen.parse(damaged));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        for (const { ref, gen } of pairs) sameRecords(s, ref(s), gen.parse(s));
      }),
      { numRuns: 500 },
    );
  });
});
