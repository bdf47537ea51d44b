// `npm run bench`: generates a synthetic access log, then times the collector's CLI and mtail on it, each
// pinned to one core, and checks both counted every line. It prints figures and never judges them: a
// wall-clock limit would only measure the machine it runs on. A wrong count does fail the run.
//
//   node build/bench/run.js [LINES] [--lines N] [--full] [--seed S] [--keep] [--no-tail]
//   BENCH_LINES=N node build/bench/run.js
// Default 1,000,000 lines; --full runs 1M and 10M and prints both. Then the tail latency of `watch` at
// 20k lines/s (BENCH_TAIL_SECONDS, default 20; --no-tail skips it).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UPSTREAM_DOCTOR_FORMAT } from '../collector/parse/access/namedFormats';
import { writeAccessLog, type GenerateSummary } from './generate';
import { measurementTools, runMeasured, type Measurement } from './measure';
import { MTAIL, mtailArgs, mtailAvailable, sumSamples } from './mtailRun';
import { timeParseStep } from './parseStep';
import { measureTailLatency } from './tailLatency';

interface Options {
  sizes: number[];
  seed: number;
  keep: boolean;
  tail: boolean;
}

interface Row {
  tool: string;
  lines: number;
  m: Measurement;
}

const MILLION = 1_000_000;

function parseArgs(argv: string[]): Options {
  let lines = Number(process.env.BENCH_LINES ?? MILLION);
  let full = false;
  let seed = 1;
  let keep = false;
  let tail = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') full = true;
    else if (a === '--keep') keep = true;
    else if (a === '--no-tail') tail = false;
    else if (a === '--lines') lines = Number(argv[++i]);
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (/^\d+$/.test(a)) lines = Number(a);
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (!Number.isInteger(lines) || lines <= 0) throw new UsageError('the line count must be a positive integer');
  if (!Number.isInteger(seed)) throw new UsageError('--seed takes an integer');
  return { sizes: full ? [MILLION, 10 * MILLION] : [lines], seed, keep, tail };
}

class UsageError extends Error {}

function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench', 'mtail'))) return dir;
  }
  throw new Error('cannot find the repository root above ' + __dirname);
}

const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtMb = (kb: number): string => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : '-');

let failed = false;
function check(what: string, got: number, want: number): void {
  const ok = got === want;
  if (!ok) failed = true;
  console.log(`  check ${what}: ${fmtInt(got)} ${ok ? '== ' : '!= expected '}${fmtInt(want)}${ok ? '' : '  MISMATCH'}`);
}

function toolFailed(tool: string, m: Measurement): boolean {
  if (m.exitCode === 0) return false;
  failed = true;
  console.log(`  ${tool} failed (exit ${m.exitCode ?? m.signal}): ${m.stderrTail.split('\n').join(' | ')}`);
  return true;
}

async function benchOne(root: string, dir: string, lines: number, opts: Options): Promise<Row[]> {
  const { seed } = opts;
  const file = join(dir, `access-${lines}.log`);
  console.log(`\n== ${fmtInt(lines)} lines ==`);
  const g0 = process.hrtime.bigint();
  const summary: GenerateSummary = writeAccessLog(file, { lines, seed });
  const genS = Number(process.hrtime.bigint() - g0) / 1e9;
  console.log(
    `  generated ${file}: ${(summary.bytes / 1048576).toFixed(1)} MiB in ${genS.toFixed(1)} s ` +
      `(seed ${seed}; ${fmtInt(summary.attempts)} upstream attempts, ${fmtInt(summary.retried)} retried, ` +
      `${fmtInt(summary.redirected)} redirected)`,
  );

  const step = await timeParseStep(file, UPSTREAM_DOCTOR_FORMAT);
  const parseOnly = step.seconds - step.readSeconds;
  console.log(
    `  parse step (in-process, not pinned): ${fmtInt(step.lines / step.seconds)} lines/s read+split+parse; ` +
      `${fmtInt(step.lines / step.readSeconds)} lines/s read+split alone; ` +
      `≈ ${fmtInt(parseOnly > 0 ? step.lines / parseOnly : NaN)} lines/s for parsing itself`,
  );
  check('parse step records', step.parsed, lines);
  check('parse step upstream attempts', step.attempts, summary.attempts);

  const rows: Row[] = [];
  const collector = await benchCollector(root, file, lines, summary);
  if (collector) rows.push(collector);
  const mtail = await benchMtail(root, file, lines, summary);
  if (mtail) rows.push(mtail);
  // A 10M-line log is ~3.7 GiB: gone before the next size is written unless asked to keep it.
  if (!opts.keep) rmSync(file, { force: true });
  return rows;
}

async function benchCollector(
  root: string,
  file: string,
  lines: number,
  summary: GenerateSummary,
): Promise<Row | null> {
  const cli = join(root, 'build', 'collector', 'cli', 'main.js');
  if (!existsSync(cli)) {
    console.log(`  collector skipped: ${cli} is not built`);
    return null;
  }
  // Run as a user runs it (`npx upstream-doctor`): the file itself, so its shebang's Node flags apply.
  const args = ['diagnose', '--access', file, '--log-format', UPSTREAM_DOCTOR_FORMAT, '--json'];
  const m = await runMeasured(cli, args);
  if (toolFailed('collector', m)) return null;
  let report: { series?: { requests?: unknown; attempts?: unknown }; parse_errors?: unknown } = {};
  try {
    report = JSON.parse(m.stdout) as typeof report;
  } catch {
    console.log('  collector printed no JSON object');
    failed = true;
  }
  check('collector series.requests', Number(report.series?.requests), lines);
  check('collector parse_errors', Number(report.parse_errors), 0);
  // Not in the contract, so only checked when the report carries it.
  if (typeof report.series?.attempts === 'number') {
    check('collector series.attempts', report.series.attempts, summary.attempts);
  }
  return { tool: 'collector', lines, m };
}

async function benchMtail(root: string, file: string, lines: number, summary: GenerateSummary): Promise<Row | null> {
  if (!mtailAvailable()) {
    console.log(`  mtail skipped: ${MTAIL} is not installed`);
    return null;
  }
  const m = await runMeasured(MTAIL, mtailArgs(join(root, 'bench', 'mtail'), file));
  if (toolFailed('mtail', m)) return null;
  check('mtail requests_total', sumSamples(m.stdout, 'requests_total'), lines);
  check('mtail upstream_attempts_total', sumSamples(m.stdout, 'upstream_attempts_total'), summary.attempts);
  const reused = sumSamples(m.stdout, 'upstream_reused_connections_total');
  check('mtail upstream_reused_connections_total', reused, summary.reusedAttempts);
  check('mtail access_parse_errors_total', sumSamples(m.stdout, 'access_parse_errors_total'), 0);
  return { tool: 'mtail', lines, m };
}

function printTable(rows: Row[]): void {
  const head = ['tool', 'lines', 'seconds', 'lines/s', 'peak RSS MB'];
  const body = rows.map((r) => [
    r.tool,
    fmtInt(r.lines),
    r.m.wallS.toFixed(2),
    fmtInt(r.lines / r.m.wallS),
    fmtMb(r.m.peakRssKb),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(head));
  for (const b of body) console.log(line(b));
  for (const lines of [...new Set(rows.map((r) => r.lines))]) {
    const c = rows.find((r) => r.tool === 'collector' && r.lines === lines);
    const m = rows.find((r) => r.tool === 'mtail' && r.lines === lines);
    if (!c || !m) continue;
    console.log(
      `collector/mtail at ${fmtInt(lines)} lines: speed ×${(m.m.wallS / c.m.wallS).toFixed(2)} ` +
        `(lines/s ratio), memory ×${(c.m.peakRssKb / m.m.peakRssKb).toFixed(2)} (peak RSS ratio)`,
    );
  }
}

/** `watch` tailing a file written at 20k lines/s: time from append to counted, CPU and RSS at that rate. */
async function benchTail(): Promise<void> {
  const seconds = Number(process.env.BENCH_TAIL_SECONDS ?? 20);
  console.log(`\n== tail latency: watch at 20,000 lines/s for ${seconds} s ==`);
  const r = await measureTailLatency(20_000, seconds);
  console.log(
    `  ${fmtInt(r.lines)} lines; append → counted p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, max ${r.maxMs.toFixed(0)} ms; ` +
      `collector CPU ${(r.cpuShare * 100).toFixed(0)} % of one core, peak RSS ${r.peakRssMb.toFixed(1)} MB`,
  );
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const tools = measurementTools();
  console.log(
    `node ${process.version}; ` +
      (tools.taskset ? 'each tool pinned to CPU 0 with taskset' : 'taskset not found: tools run unpinned') +
      '; peak RSS from ' +
      (tools.gnuTime ? 'GNU time (%M)' : '/proc/<pid>/status VmHWM polled every 20 ms (/usr/bin/time not found)'),
  );
  const dir = mkdtempSync(join(tmpdir(), 'ud-bench-'));
  const cleanup = (): void => {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const rows: Row[] = [];
    for (const lines of opts.sizes) rows.push(...(await benchOne(root, dir, lines, opts)));
    printTable(rows);
    if (opts.tail) await benchTail();
  } finally {
    cleanup();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
