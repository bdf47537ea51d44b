// The lines of Netdata's plugins.d text protocol that the plugin writes, checked against the parser of
// Netdata 1.37 (README.md, Netdata: protocol notes): words are split on spaces, tabs and `=`; a word that starts with a
// quote runs to the next quote of the same kind; a backslash hides the character after it but stays in
// the text; SET takes whole numbers only (a fraction is cut off), so fractions travel scaled and the
// dimension's divisor brings them back.

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Characters a chart or dimension id may hold here: Netdata keeps these as they are. */
const ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
/** Longest id part written; Netdata 1.37 cuts ids at 200 bytes, and type.id together must fit. */
export const MAX_ID_LENGTH = 90;
/** Longest text written (titles, names, label values): far below Netdata's 16 KiB line limit. */
export const MAX_TEXT_LENGTH = 500;

export type Algorithm = 'absolute' | 'incremental' | 'percentage-of-absolute-row' | 'percentage-of-incremental-row';
export type ChartType = 'line' | 'area' | 'stacked';

/** Label sources Netdata 1.37 knows: 1 = set automatically by the collector, 2 = from the user's config. */
export const LABEL_SOURCE_AUTO = 1;
export const LABEL_SOURCE_CONFIG = 2;

export function isValidId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && ID_RE.test(id);
}

function checkId(id: string, what: string): string {
  if (!isValidId(id)) throw new ProtocolError(`${what} "${id}" is not a valid Netdata id`);
  return id;
}

/**
 * Any string as an id part: what Netdata would keep stays, dots and colons (addresses) become `_`, other
 * characters too, with a hash of the original appended so `a_b` and `a/b` stay apart. Long strings are
 * cut to `maxLength` and hashed the same way. Deterministic, so a chart keeps its id across restarts.
 */
export function sanitizeId(raw: string, maxLength = MAX_ID_LENGTH): string {
  let out = '';
  let lossy = false;
  for (const ch of raw) {
    if (/[A-Za-z0-9-]/.test(ch)) out += ch;
    else {
      out += '_';
      if (ch !== '.' && ch !== ':') lossy = true;
    }
  }
  if (out === '' || out.startsWith('-')) {
    out = `x${out}`;
    lossy = true;
  }
  if (!lossy && out.length <= maxLength) return out;
  const suffix = `_h${hash(raw)}`;
  return out.slice(0, Math.max(1, maxLength - suffix.length)) + suffix;
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable and spread well enough to tell ids apart. */
export function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A text field as one protocol word. Control characters (a newline would end the line) become spaces,
 * a backslash becomes `/` (it would hide the closing quote), and the text is quoted with whichever quote
 * it does not contain; a text with both gets its apostrophes as ’.
 */
export function quote(text: string): string {
  let t = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\\/g, '/');
  if (t.length > MAX_TEXT_LENGTH) t = t.slice(0, MAX_TEXT_LENGTH);
  if (!t.includes("'")) return `'${t}'`;
  if (!t.includes('"')) return `"${t}"`;
  return `'${t.replace(/'/g, '\u2019')}'`;
}

function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) throw new ProtocolError(`${what} must be a whole number from 1, got ${n}`);
  return n;
}

export interface ChartLine {
  type: string;
  id: string;
  title: string;
  units: string;
  family: string;
  context: string;
  chartType: ChartType;
  priority: number;
  updateEvery: number;
  /** e.g. `obsolete`, `detail`, `hidden`; none by default. */
  options?: string[];
  plugin: string;
  module: string;
}

/** `CHART type.id name title units family context charttype priority update_every options plugin module` */
export function chartLine(c: ChartLine): string {
  const full = `${checkId(c.type, 'chart type')}.${checkId(c.id, 'chart id')}`;
  for (const o of c.options ?? []) if (!/^[a-z_]+$/.test(o)) throw new ProtocolError(`chart option "${o}" is not one Netdata knows`);
  if (!/^[A-Za-z0-9_.]+$/.test(c.context)) throw new ProtocolError(`chart context "${c.context}" is not valid`);
  return [
    'CHART',
    full,
    "''",
    quote(c.title),
    quote(c.units),
    quote(c.family),
    quote(c.context),
    c.chartType,
    String(positiveInt(c.priority, 'priority')),
    String(positiveInt(c.updateEvery, 'update_every')),
    quote((c.options ?? []).join(' ')),
    quote(c.plugin),
    quote(c.module),
  ].join(' ');
}

export interface DimensionLine {
  id: string;
  name: string;
  algorithm: Algorithm;
  multiplier: number;
  divisor: number;
  /** Kept and usable in alarms, not drawn. */
  hidden?: boolean;
}

/** `DIMENSION id name algorithm multiplier divisor options`, for the chart defined last. */
export function dimensionLine(d: DimensionLine): string {
  if (!Number.isInteger(d.multiplier) || d.multiplier === 0) throw new ProtocolError(`multiplier of ${d.id} must be a non-zero whole number`);
  return [
    'DIMENSION',
    checkId(d.id, 'dimension id'),
    quote(d.name),
    d.algorithm,
    String(d.multiplier),
    String(positiveInt(d.divisor, `divisor of ${d.id}`)),
    quote(d.hidden ? 'hidden' : ''),
  ].join(' ');
}

/** `CLABEL name value source`, for the chart defined last; CLABEL_COMMIT attaches them. */
export function clabelLine(name: string, value: string, source: number = LABEL_SOURCE_AUTO): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ProtocolError(`label name "${name}" is not valid`);
  if (source !== LABEL_SOURCE_AUTO && source !== LABEL_SOURCE_CONFIG) throw new ProtocolError(`label source ${source} is not one Netdata knows`);
  return `CLABEL ${quote(name)} ${quote(value)} ${source}`;
}

export function clabelCommitLine(): string {
  return 'CLABEL_COMMIT';
}

/** `BEGIN type.id`: Netdata times the collection itself when no interval is given. */
export function beginLine(type: string, id: string): string {
  return `BEGIN ${checkId(type, 'chart type')}.${checkId(id, 'chart id')}`;
}

/** `SET id = value`, a whole number (Netdata 1.37 keeps only the integer part). */
export function setLine(id: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new ProtocolError(`SET ${id}: ${value} is not a whole number`);
  return `SET ${checkId(id, 'dimension id')} = ${value}`;
}

export function endLine(): string {
  return 'END';
}

/** Tells Netdata not to start the plugin again (together with exit code 1). */
export function disableLine(): string {
  return 'DISABLE';
}

/** A value shown as `shown` on a dimension with this multiplier and divisor, as the whole number to SET. */
export function scaled(shown: number, multiplier: number, divisor: number): number {
  const v = Math.round((shown * divisor) / multiplier);
  // Netdata collects into a signed 64-bit integer; past 2^53 a double cannot say which one anyway.
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v));
}
