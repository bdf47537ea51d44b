// Times the access-line parser alone, in this process, on the benchmark file: when the CLI gets slower,
// this says whether parsing or what comes after it is to blame. Reading and splitting are timed on
// their own as well, so their share can be subtracted.

import { createReadStream } from 'node:fs';
import { createAccessLineParser } from '../collector/parse/access/accessParser';

export interface ParseStepResult {
  lines: number;
  /** Lines the parser returned a record for. */
  parsed: number;
  /** Upstream attempts in those records. */
  attempts: number;
  /** Read + split + parse. */
  seconds: number;
  /** Read + split only. */
  readSeconds: number;
}

/** Calls `onLine` for each line of the file (without its `\n`); resolves to the line count. */
export async function forEachLine(path: string, onLine: (line: string) => void): Promise<number> {
  let count = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl));
      count++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) {
    onLine(rest);
    count++;
  }
  return count;
}

export async function timeParseStep(path: string, format: string): Promise<ParseStepResult> {
  // An untimed pass first, so neither timed pass pays for a cold page cache or an unoptimised reader.
  await forEachLine(path, () => undefined);
  const t0 = process.hrtime.bigint();
  await forEachLine(path, () => undefined);
  const readSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  const parse = createAccessLineParser(format);
  let parsed = 0;
  let attempts = 0;
  const t1 = process.hrtime.bigint();
  const lines = await forEachLine(path, (line) => {
    const rec = parse(line);
    if (rec === null) return;
    parsed++;
    attempts += rec.attempts.length;
  });
  const seconds = Number(process.hrtime.bigint() - t1) / 1e9;
  return { lines, parsed, attempts, seconds, readSeconds };
}
