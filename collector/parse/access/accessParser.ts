// One entry point for access-log lines: JSON lines are told apart by their first character, so a log that
// mixes JSON and text (a format change mid-file) still parses, and `escape=json` logs need no flag.

import { compileAccessFormat } from './compile';
import { COMBINED, UPSTREAM_DOCTOR_FORMAT } from './namedFormats';
import { createJsonLineParser, isJsonShapedFormat } from './jsonLine';
import type { AccessRecord } from '../types';

export { isJsonShapedFormat };

export type AccessLineParser = (line: string) => AccessRecord | null;

/**
 * A parser for lines written with `format` (default `combined`). A line starting with `{` is read as
 * JSON — by the keys of `format` when that is JSON-shaped, else by the common key names — and falls back
 * to the text format if it is not JSON the parser understands. Throws LogFormatError for a format nginx
 * would reject.
 */
export function createAccessLineParser(format?: string): AccessLineParser {
  const fmt = format === undefined || format.trim().length === 0 ? COMBINED : format;
  if (isJsonShapedFormat(fmt)) {
    // The JSON parser already tries the format as text first.
    const json = createJsonLineParser(fmt);
    return (line) => json.parse(line);
  }
  const text = compileAccessFormat(fmt);
  const json = createJsonLineParser();
  return (line) => {
    if (line.charCodeAt(0) === 123 /* { */) {
      const rec = json.parse(line);
      if (rec !== null) return rec;
    }
    return text.parse(line);
  };
}

/**
 * For logs whose format nobody named: tries each built-in format (most specific first) and sticks with
 * the one that matched last, so a file in Upstream Doctor's own format needs no flag, and `combined`
 * stays the answer for everything else.
 */
export function createAutoAccessParser(): AccessLineParser {
  const candidates = [UPSTREAM_DOCTOR_FORMAT, COMBINED].map((f) => createAccessLineParser(f));
  let current = 0;
  return (line) => {
    const rec = candidates[current](line);
    if (rec !== null) return rec;
    for (let i = 0; i < candidates.length; i++) {
      if (i === current) continue;
      const other = candidates[i](line);
      if (other !== null) {
        current = i;
        return other;
      }
    }
    return null;
  };
}
