// Read + parse only, no aggregation: the figure to watch when working on collector/parse. Comparing two
// builds of the parsers (say a copy of the old ones and the current ones) runs them as alternating child
// processes pinned to one core, so a busy shared machine slows both alike instead of whichever ran later.
//
//   node build/bench/parseOnly.js FILE [--runs N] [--format F] [--impl DIR]...
//
// Each --impl names a built collector directory holding parse/access/accessParser.js and
// tail/lineReader.js (default: this build's collector/). With one impl and --runs 1 it measures in this process and prints one JSON line.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { UPSTREAM_DOCTOR_FORMAT } from '../collector/parse/access/namedFormats';
import type { AccessRecord } from '../collector/parse/types';

interface Impl {
  createAccessLineParser(format?: string): (line: string) => AccessRecord | null;
  readLines(path: string, onLine: (line: string) => void): Promise<{ lines: number }>;
}

export interface ParseOnlyResult {
  lines: number;
  parsed: number;
  /** Statuses, attempt counts and first attempts summed over the records: equal for impls that agree. */
  checksum: number;
  seconds: number;
  /** CPU time (user + system) of the same span: steadier than wall time on a machine shared with others. */
  cpuSeconds: number;
  /** Peak RSS of the process in MB. */
  maxRssMb: number;
}

function loadImpl(dir: string): Impl {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parser = require(join(dir, 'parse', 'access', 'accessParser.js')) as Pick<Impl, 'createAccessLineParser'>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const reader = require(join(dir, 'tail', 'lineReader.js')) as Pick<Impl, 'readLines'>;
  return { createAccessLineParser: parser.createAccessLineParser, readLines: reader.readLines };
}

export async function parseOnly(dir: string, file: string, format: string): Promise<ParseOnlyResult> {
  const impl = loadImpl(dir);
  const parse = impl.createAccessLineParser(format);
  let parsed = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { lines } = await impl.readLines(file, (line) => {
    const rec = parse(line);
    if (rec === null) return;
    parsed++;
    checksum += rec.status + rec.attempts.length;
    if (rec.attempts.length > 0) checksum += rec.attempts[0].status + (rec.attempts[0].addr.length & 7);
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { lines, parsed, checksum, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let file = '';
  let runs = 5;
  let format = UPSTREAM_DOCTOR_FORMAT;
  const impls: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--format') format = argv[++i];
    else if (a === '--impl') impls.push(resolve(argv[++i]));
    else file = a;
  }
  if (file === '') throw new Error('usage: parseOnly FILE [--runs N] [--format F] [--impl DIR]...');
  if (impls.length === 0) impls.push(resolve(__dirname, '../collector'));

  if (impls.length === 1 && runs === 1) {
    console.log(JSON.stringify(await parseOnly(impls[0], file, format)));
    return;
  }
  const results: ParseOnlyResult[][] = impls.map(() => []);
  for (let r = 0; r < runs; r++) {
    // Alternate the order each round so neither impl always runs first.
    const order = impls.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const child = spawnSync(
        'taskset',
        ['-c', '0', process.execPath, __filename, file, '--runs', '1', '--format', format, '--impl', impls[i]],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`run failed: ${child.stderr}`);
      const res = JSON.parse(child.stdout.trim()) as ParseOnlyResult;
      results[i].push(res);
      console.log(
        `round ${r + 1} ${impls[i]}: ${fmt(res.lines / res.seconds)} lines/s (${fmt(res.lines / res.cpuSeconds)} per CPU s), ` +
          `${res.seconds.toFixed(3)} s, rss ${res.maxRssMb.toFixed(0)} MB, parsed ${res.parsed}, checksum ${res.checksum}`,
      );
    }
  }
  for (let i = 0; i < impls.length; i++) {
    const rates = results[i].map((x) => x.lines / x.seconds);
    const cpuRates = results[i].map((x) => x.lines / x.cpuSeconds);
    const rss = results[i].map((x) => x.maxRssMb);
    console.log(
      `${impls[i]}: median ${fmt(median(rates))} lines/s (best ${fmt(Math.max(...rates))}), ` +
        `median ${fmt(median(cpuRates))} lines per CPU s, median peak RSS ${median(rss).toFixed(0)} MB`,
    );
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
