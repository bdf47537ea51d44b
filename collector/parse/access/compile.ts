// Compiles an nginx `log_format` string into a line parser. The format is split once into literals and
// variables, and turned into the source of one function that walks a line through exactly that sequence:
// the end of each value is found from the literal that follows it, the few fields the diagnosis uses are
// read straight from the line, and every other value is stepped over without copying it.
import { LogFormatError, ROLE_COUNT, Role, assignRoles, loggedMask, roleOf, splitFormat } from './formatSpec';
import { RUNTIME } from './scanRuntime';
import type { AccessRecord } from '../types';

const TIME_LOCAL_LEN = 26;

function isListVariable(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('upstream_') || n === 'http_x_forwarded_for' || n === 'proxy_add_x_forwarded_for';
}

/** Variables whose values are numbers or times (how far an adjacent-variable run reaches). */
const NUMERIC_ROLES = new Set<Role>([Role.Msec, Role.TimeIso, Role.Status, Role.BodyBytes, Role.BytesSent, Role.RequestTime]);


export interface AccessFormatParser {
  /** The format as given. */
  readonly format: string;
  /** The variables the format logs, in order, as written (without `$`). */
  readonly variables: string[];
  /** The record of one line, or null when the line does not have the format's shape. */
  parse(line: string): AccessRecord | null;
}

/**
 * Literals up to this length are compared character by character in the generated code; longer ones
 * through indexOf, whose call costs about as much as comparing this many characters one at a time.
 * (startsWith is no alternative: V8 compares long search strings through a slow generic path.)
 */
const INLINE_MATCH_MAX = 12;

/** Code that is true when `lit` occurs in `line` at the offset held in the variable `at`. */
function matchCode(lit: string, at: string): string {
  if (lit.length === 0) return 'true';
  if (lit.length > INLINE_MATCH_MAX) return `(line.indexOf(${JSON.stringify(lit)}, ${at}) === ${at})`;
  // charCodeAt past the end is NaN, which equals nothing; the bound check keeps the optimiser on its fast path.
  const parts = [`${at} + ${lit.length} <= len`];
  for (let k = 0; k < lit.length; k++) parts.push(`line.charCodeAt(${at}${k === 0 ? '' : ' + ' + k}) === ${lit.charCodeAt(k)}`);
  return `(${parts.join(' && ')})`;
}

// How the end of a value is found.
const enum Scan {
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

function scanOf(name: string, before: string, after: string, last: boolean): Scan {
  if (name === 'time_local') return Scan.Fixed;
  if (after.length === 0) return last ? Scan.ToEnd : Scan.Run;
  if (before.endsWith('"') && after.startsWith('"')) return Scan.Quoted;
  if (last) return Scan.EndsWith;
  if (after.charCodeAt(0) === 32 && isListVariable(name)) return Scan.List;
  return Scan.IndexOf;
}

/**
 * Code setting `end` to the end of the value that starts at `pos`, or returning null when there is none.
 * IndexOf and Quoted search from `from`, which may be past `pos` when no character in between can start
 * the literal (or, for Quoted, be a `"` or `\`): the answer is the same.
 */
function endCode(scan: Scan, name: string, lit: string, from = 'pos'): string[] {
  const litJs = JSON.stringify(lit);
  switch (scan) {
    case Scan.ToEnd:
      return ['end = len;'];
    case Scan.Run:
      return [`end = runEnd(line, pos, ${NUMERIC_ROLES.has(roleOf(name))});`];
    case Scan.Fixed:
      return [`end = pos + ${TIME_LOCAL_LEN};`, `if (end > len || !${matchCode(lit, 'end')}) return null;`];
    case Scan.EndsWith:
      return [`end = len - ${lit.length};`, `if (end < pos || !${matchCode(lit, 'end')}) return null;`];
    case Scan.Quoted:
      return [`end = quotedEnd(line, ${litJs}, ${from});`, 'if (end < 0) return null;'];
    case Scan.List:
      return [`end = findListEnd(line, ${litJs}, pos);`, 'if (end < 0) return null;'];
    case Scan.IndexOf:
      return [`end = line.indexOf(${litJs}, ${from});`, 'if (end < 0) return null;'];
  }
}

/**
 * Code setting `end` for a value read up to `q` by hand: `q` itself when the literal is there, else the
 * search from `q` (no character before it can start the literal).
 */
function endAfterRead(scan: Scan, name: string, lit: string): string[] {
  const search = endCode(scan, name, lit, 'q');
  if (lit.length > INLINE_MATCH_MAX) return search;
  return [`if (${matchCode(lit, 'q')}) end = q; else {`, ...search, '}'];
}

// Loops that read a number while stepping over it, leaving `q` after its last character. They read what
// parseCount / parseDecimal / parseMsec read, in the same arithmetic, so the values are the same doubles.
const DIGITS_LOOP = [
  'q = pos; v = 0;',
  'while (q < len) { c = line.charCodeAt(q); if (c < 48 || c > 57) break; v = v * 10 + (c - 48); q++; }',
  'nd = q - pos;',
];
const DECIMAL_LOOP = [
  'q = pos; v = 0; nd = 0; fd = -1;',
  'while (q < len) {',
  '  c = line.charCodeAt(q);',
  '  if (c >= 48 && c <= 57) { v = v * 10 + (c - 48); nd++; if (fd >= 0) fd++; }',
  '  else if (c === 46 && fd < 0) fd = 0;',
  '  else break;',
  '  q++;',
  '}',
];
const DECIMAL_VALUE = '(nd > 0 && nd <= 15 ? (fd > 0 ? v / POW10[fd] : v) : NaN)';
const COUNT_VALUE = '(nd > 0 && nd <= 15 ? v : NaN)';
const MSEC_LOOP = [
  ...DIGITS_LOOP,
  'ms = nd > 0 && nd <= 12 ? v * 1000 : NaN;',
  'if (q < len && line.charCodeAt(q) === 46) {',
  '  q++; k = q; v = 0; sc = 1;',
  '  while (q < len) { c = line.charCodeAt(q); if (c < 48 || c > 57) break; v = v * 10 + (c - 48); sc *= 10; q++; }',
  '  ms = q - k > 9 ? NaN : ms + (v * 1000) / sc;',
  '}',
];

/** Whether a number followed by `lit` is found by reading the number: `lit` cannot start inside it. */
function endsNumber(lit: string): boolean {
  const c = lit.charCodeAt(0);
  return lit.length > 0 && !(c >= 48 && c <= 57) && c !== 46 && c !== 45;
}

/** How a variable's value is read while its end is found (see parserSource). */
type ReadKind = 'status' | 'count' | 'decimal' | 'msec' | 'peer' | 'upstream' | 'plain';

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

const UPSTREAM_ROLES = [Role.UpAddr, Role.UpStatus, Role.UpConnect, Role.UpHeader, Role.UpResponse, Role.UpBytes];
/** The variable that decides the attempt count, in order of preference (as attemptsOf has it). */
const LEAD_ROLES = [Role.UpAddr, Role.UpStatus, Role.UpResponse, Role.UpHeader, Role.UpConnect, Role.UpBytes];

/**
 * The JavaScript of a parser for one format: the format's literals and variables turned into one
 * straight run of code. Each value's extent is kept in locals; numbers the record uses are read while
 * their end is found, and the one-attempt `$upstream_*` values between quotes are read the same way,
 * with the general list reader kept for lines with retries, redirects or anything unusual.
 */
function parserSource(literals: string[], variables: string[]): { source: string; runs: RegExp[] } {
  const runs: RegExp[] = [];
  const roles = assignRoles(variables);
  const has = new Array<boolean>(ROLE_COUNT).fill(false);
  for (const r of roles) if (r !== Role.Skip) has[r] = true;
  const n = variables.length;
  const scans = variables.map((v, i) => scanOf(v.toLowerCase(), literals[i], literals[i + 1], i === n - 1));
  /** Whether variable i, if a number, can be read on the way (see endsNumber). */
  const readsNumber = (i: number): boolean =>
    (scans[i] === Scan.IndexOf || scans[i] === Scan.Quoted) && endsNumber(literals[i + 1]);
  // The one-attempt reading needs every logged upstream variable between quotes.
  const upstreamInline =
    UPSTREAM_ROLES.some((r) => has[r]) && roles.every((r, i) => !UPSTREAM_ROLES.includes(r) || scans[i] === Scan.Quoted);

  const out: string[] = [];
  const emit = (...lines: string[]): void => {
    out.push(...lines);
  };
  emit('const len = line.length;', 'let end = 0, q = 0, c = 0, v = 0, nd = 0, fd = 0, k = 0, sc = 0, ms = 0;');
  for (let r = 1; r < ROLE_COUNT; r++) if (has[r]) emit(`let s${r} = 0, e${r} = 0;`);
  for (const r of UPSTREAM_ROLES) if (has[r]) emit(`let v${r} = NaN;`);
  emit('let time = NaN, status = 0, bytesSent = NaN, requestTime = NaN;');
  emit('let single = true, hash = 0;');
  const head = literals[0];
  if (head.length > 0) emit(`if (!${matchCode(head, '0')}) return null;`);
  emit(`let pos = ${head.length};`);

  /** How variable i is read on the way, or 'plain' when only its end is found. */
  const kindOf = (i: number): ReadKind => {
    const role = roles[i];
    if (readsNumber(i)) {
      if (role === Role.Status) return 'status';
      if (role === Role.BodyBytes || role === Role.BytesSent) return 'count';
      if (role === Role.RequestTime) return 'decimal';
      if (role === Role.Msec) return 'msec';
    }
    if (upstreamInline && role === Role.UpAddr) return 'peer';
    if (upstreamInline && UPSTREAM_ROLES.includes(role)) return 'upstream';
    return 'plain';
  };
  const kinds = variables.map((_, i) => kindOf(i));
  /** Whether the value of role `r` was read on the way (else it is read from its extent afterwards). */
  const readOnTheWay = (r: Role): boolean => {
    const i = roles.indexOf(r);
    return i >= 0 && kinds[i] !== 'plain';
  };

  // Code reading variable i up to `q`, before its end is known.
  const readPart = (i: number): string[] => {
    const role = roles[i];
    switch (kinds[i]) {
      case 'status':
      case 'count':
        return DIGITS_LOOP;
      case 'decimal':
        return DECIMAL_LOOP;
      case 'msec':
        return MSEC_LOOP;
      case 'peer':
        // To the closing quote, hashing the name for the peer cache; a `,` or space means several attempts.
        return [
          'q = pos; hash = 0;',
          'while (q < len) {',
          '  c = line.charCodeAt(q);',
          '  if (c === 34 || c === 92) break;',
          '  if (c === 44 || c === 32) single = false;',
          '  hash = (Math.imul(hash, 31) + c) | 0;',
          '  q++;',
          '}',
        ];
      case 'upstream': {
        // One number, or `-` for none; anything else is left to the list reader.
        const seconds = role === Role.UpConnect || role === Role.UpHeader || role === Role.UpResponse;
        const value = seconds ? DECIMAL_VALUE : role === Role.UpStatus ? '(nd === 3 ? v : 0)' : COUNT_VALUE;
        const none = role === Role.UpStatus ? '0' : 'NaN';
        return [
          ...(seconds ? DECIMAL_LOOP : DIGITS_LOOP),
          `if (q === pos && q < len && line.charCodeAt(q) === 45) { q++; v${role} = ${none}; } else v${role} = ${value};`,
        ];
      }
      case 'plain':
        return [];
    }
  };
  // Code setting `end`: 'search' finds the literal; 'quote' is for a value between quotes whose literal is
  // known to follow its first `"`; 'here' for a value known to be followed by its literal at `q`.
  const endPart = (i: number, mode: 'search' | 'quote' | 'here'): string[] => {
    const name = variables[i].toLowerCase();
    const lit = literals[i + 1];
    if (mode === 'here') return ['end = q;'];
    if (kinds[i] === 'plain') return endCode(scans[i], name, lit);
    if (mode === 'quote') return ["end = q < len && line.charCodeAt(q) === 34 ? q : line.indexOf('\"', q);"];
    return endAfterRead(scans[i], name, lit);
  };
  // Code taking the value once `end` is known: what was read on the way if the value ended at `q`.
  const valuePart = (i: number): string[] => {
    switch (kinds[i]) {
      case 'status':
        return [
          'if (end === q && nd === 3) status = v;',
          'else {',
          '  status = parseStatus3(line, pos, end);',
          '  if (status < 0) return null;',
          '}',
        ];
      case 'count':
        return [`bytesSent = end === q ? ${COUNT_VALUE} : parseCount(line, pos, end);`];
      case 'decimal':
        return [`requestTime = end === q ? ${DECIMAL_VALUE} : parseDecimal(line, pos, end);`];
      case 'msec':
        return ['time = end === q ? ms : parseMsec(line, pos, end);', 'if (time !== time) return null;'];
      case 'peer':
      case 'upstream':
        return ['if (end !== q) single = false;'];
      case 'plain':
        return [];
    }
  };
  const finishPart = (i: number): string[] => {
    const role = roles[i];
    return [...(role !== Role.Skip ? [`s${role} = pos; e${role} = end;`] : []), `pos = end + ${literals[i + 1].length};`];
  };
  const variable = (i: number, mode: 'search' | 'quote' | 'here'): string[] => [
    `// $${variables[i].toLowerCase()}`,
    ...readPart(i),
    ...endPart(i, mode),
    ...valuePart(i),
    ...finishPart(i),
  ];

  // Runs of consecutive values read on the way (numbers; `$upstream_*` between quotes): one sticky RegExp
  // call checks all their literals, where each would otherwise cost an indexOf. When it matches, every
  // value in the run is known to end where its literal starts: a number at the first character its
  // loop does not take (the RegExp admits exactly what the loops read), a value between quotes at its
  // first `"` (it holds no `"` or `\`). That is where the literal searches would have found the ends.
  const inRun = (i: number): boolean =>
    kinds[i] !== 'plain' &&
    (scans[i] === Scan.Quoted || (scans[i] === Scan.IndexOf && kinds[i] !== 'peer' && kinds[i] !== 'upstream'));
  const runPattern = (i: number): string => {
    if (scans[i] === Scan.Quoted) return '[^"\\\\]*';
    return kinds[i] === 'status' || kinds[i] === 'count' ? '\\d*' : '\\d*(?:\\.\\d*)?';
  };
  for (let i = 0; i < n; i++) {
    let last = i;
    if (inRun(i)) while (last + 1 < n && inRun(last + 1)) last++;
    let searched = 0;
    for (let k = i; k <= last; k++) if (literals[k + 1].length > INLINE_MATCH_MAX) searched++;
    // A RegExp call costs more than comparing short literals by hand.
    if (searched < 2) {
      emit(...variable(i, 'search'));
      continue;
    }
    let source = '';
    for (let k = i; k <= last; k++) source += runPattern(k) + escapeRegExp(literals[k + 1]);
    const re = `re${runs.length}`;
    runs.push(new RegExp(source, 'y'));
    const fast: string[] = [];
    const slow: string[] = [];
    for (let k = i; k <= last; k++) {
      fast.push(...variable(k, scans[k] === Scan.Quoted ? 'quote' : 'here'));
      slow.push(...variable(k, 'search'));
    }
    emit(`${re}.lastIndex = pos;`, `if (${re}.test(line)) {`, ...fast, '} else {', ...slow, '}');
    i = last;
  }
  emit('if (pos !== len) return null;');

  // Values not read on the way.
  const span = (r: Role): string => `line, s${r}, e${r}`;
  emit('let tzOffsetMin = NaN, t = NaN;');
  if (has[Role.Msec] && !readOnTheWay(Role.Msec)) {
    emit(`time = parseMsec(${span(Role.Msec)});`, 'if (time !== time) return null;');
  }
  if (has[Role.TimeIso]) {
    emit(`t = parseTimeIso(${span(Role.TimeIso)}, tz);`, 'if (t !== t) return null;');
    emit('if (time !== time) time = t;', 'tzOffsetMin = tz.tzOffsetMin;');
  }
  if (has[Role.TimeLocal]) {
    // Read in full even when `$msec` gave the time: a line with a broken date is not a match.
    emit(`t = parseTimeLocal(${span(Role.TimeLocal)}, tz);`, 'if (t !== t) return null;');
    emit('if (time !== time) time = t;', 'if (tzOffsetMin !== tzOffsetMin) tzOffsetMin = tz.tzOffsetMin;');
  }
  if (has[Role.Status] && !readOnTheWay(Role.Status)) {
    emit(`status = parseStatus3(${span(Role.Status)});`, 'if (status < 0) return null;');
  }
  if (has[Role.BodyBytes]) {
    if (!readOnTheWay(Role.BodyBytes)) emit(`bytesSent = parseCount(${span(Role.BodyBytes)});`);
  } else if (has[Role.BytesSent] && !readOnTheWay(Role.BytesSent)) {
    emit(`bytesSent = parseCount(${span(Role.BytesSent)});`);
  }
  if (has[Role.RequestTime] && !readOnTheWay(Role.RequestTime)) {
    emit(`requestTime = parseDecimal(${span(Role.RequestTime)});`);
  }
  if (has[Role.Request]) {
    emit(`const request = unescapeLogValue(line.slice(s${Role.Request}, e${Role.Request}));`);
  } else if (has[Role.Method] || has[Role.Uri]) {
    const valueOf = (r: Role): string => (has[r] ? `unescapeLogValue(line.slice(s${r}, e${r}))` : "''");
    emit(`const method = ${valueOf(Role.Method)};`, `const uri = ${valueOf(Role.Uri)};`);
    emit("const request = method.length > 0 && uri.length > 0 ? method + ' ' + uri : method + uri;");
  } else {
    emit("const request = '';");
  }

  if (!UPSTREAM_ROLES.some((r) => has[r])) {
    emit('const attempts = [];');
  } else {
    const positions = UPSTREAM_ROLES.map((r) => (has[r] ? `s${r}, e${r}` : '-1, -1')).join(', ');
    if (upstreamInline) {
      const lead = LEAD_ROLES.find((r) => has[r]) as Role;
      const leadNone = `(e${lead} === s${lead} || (e${lead} - s${lead} === 1 && line.charCodeAt(s${lead}) === 45))`;
      const field = (r: Role, none: string): string => (has[r] ? `v${r}` : none);
      emit('let attempts;');
      emit(`if (!single) attempts = lineAttempts(line, ${positions});`);
      emit(`else if (${leadNone}) attempts = [];`);
      emit('else attempts = [{');
      emit(`  addr: ${has[Role.UpAddr] ? `peerNameOf(line, s${Role.UpAddr}, e${Role.UpAddr}, hash)` : "''"},`);
      emit(`  status: ${field(Role.UpStatus, '0')},`);
      emit(`  connect: ${field(Role.UpConnect, 'NaN')},`);
      emit(`  header: ${field(Role.UpHeader, 'NaN')},`);
      emit(`  response: ${field(Role.UpResponse, 'NaN')},`);
      emit(`  bytesReceived: ${field(Role.UpBytes, 'NaN')},`);
      emit('  afterRedirect: false,');
      emit('}];');
    } else {
      emit(`const attempts = lineAttempts(line, ${positions});`);
    }
  }
  emit(has[Role.RemoteAddr] ? `const client = line.slice(s${Role.RemoteAddr}, e${Role.RemoteAddr});` : "const client = '';");
  emit(`return { time, tzOffsetMin, status, bytesSent, requestTime, request, attempts, client, logged: ${loggedMask(roles)} };`);
  return { source: out.join('\n'), runs };
}

type LineParse = (line: string) => AccessRecord | null;

function generateParser(literals: string[], variables: string[]): LineParse {
  const { source, runs } = parserSource(literals, variables);
  const names: string[] = Object.keys(RUNTIME);
  const values: unknown[] = names.map((k) => RUNTIME[k as keyof typeof RUNTIME]);
  runs.forEach((re, i) => {
    names.push(`re${i}`);
    values.push(re);
  });
  const body = `"use strict";\nreturn function parseAccessLine(line) {\n${source}\n};`;
  // The format is data: its literals enter the code only through JSON.stringify, character codes and
  // escaped RegExp sources, and variable names (letters, digits, `_`) only in comments.
  const factory = new Function(...names, body) as (...deps: unknown[]) => LineParse;
  return factory(...values);
}

/** Compiles an nginx log_format string (adjacent quoted parts already joined) into a line parser. */
export function compileAccessFormat(format: string): AccessFormatParser {
  if (format.length === 0) throw new LogFormatError('log_format: the format is empty');
  const { literals, variables } = splitFormat(format);
  return { format, variables, parse: generateParser(literals, variables) };
}
