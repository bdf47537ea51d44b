// What a compiled parser calls at run time to find where a value ends: quoted values with escaped
// quotes, `, ` / ` : ` separated upstream lists, and runs of characters between adjacent variables; plus
// the number and time readers, all handed to the generated function as one object.
import { lineAttempts, parseCount, parseDecimal, parseStatus3, peerNameOf, POW10 } from './upstreamValues';
import { unescapeLogValue } from './unescape';
import { parseMsec, parseTimeIso, parseTimeLocal, type TzOut } from '../time';

/** Whether the `"` at `at` is escaped by an odd run of backslashes (not counting before `from`). */
function isEscaped(line: string, at: number, from: number): boolean {
  let p = at - 1;
  while (p >= from && line.charCodeAt(p) === 92) p--;
  return ((at - 1 - p) & 1) === 1;
}

/** End of a quoted value: the first `lit` at or after `pos` whose `"` is not escaped; -1 if none. */
function quotedEnd(line: string, lit: string, pos: number): number {
  let end = line.indexOf(lit, pos);
  while (end > pos && line.charCodeAt(end - 1) === 92 && isEscaped(line, end, pos)) end = line.indexOf(lit, end + 1);
  return end;
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

/** End of a value with no literal before the next variable: the run of characters its kind can contain. */
function runEnd(line: string, pos: number, numeric: boolean): number {
  let p = pos;
  const len = line.length;
  if (numeric) {
    while (p < len && isNumericChar(line.charCodeAt(p))) p++;
  } else {
    while (p < len && line.charCodeAt(p) !== 32) p++;
  }
  return p;
}


/** Whether `c` can appear in a numeric-looking value (digits, `.`, `-`, and the `:` `+` `T` `Z` of times). */
function isNumericChar(c: number): boolean {
  return (c >= 48 && c <= 58) || c === 46 || c === 45 || c === 43 || c === 84 || c === 90;
}

const tz: TzOut = { tzOffsetMin: NaN };

/** What the generated parser calls; passed in rather than captured, so the code is a plain function. */
export const RUNTIME = {
  quotedEnd,
  findListEnd,
  runEnd,
  parseMsec,
  parseTimeIso,
  parseTimeLocal,
  tz,
  parseStatus3,
  parseCount,
  parseDecimal,
  unescapeLogValue,
  lineAttempts,
  peerNameOf,
  POW10,
};
