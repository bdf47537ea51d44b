// One entry point for access-log lines: JSON lines are told apart by their first character, so a log that
// mixes JSON and text (a format change mid-file) still parses, and `escape=json` logs need no flag.

import { compileAccessFormat } from './accessFormat';
import { COMBINED } from './formats';
import { createJsonLineParser, isJsonShapedFormat } from './jsonLine';
import type { AccessRecord } from './types';

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
