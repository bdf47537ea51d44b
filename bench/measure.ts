// Runs one benchmarked command as a child process pinned to a single core and reports its wall time and
// peak resident memory. Peak RSS comes from GNU time's %M when /usr/bin/time exists (the kernel's own
// maxrss, exact); otherwise /proc/<pid>/status VmHWM is sampled every 20 ms, which can miss the last
// moments before exit.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const TASKSET = '/usr/bin/taskset';
const POLL_MS = 20;
/** Bench outputs are small (metrics text, one JSON object); anything past this is cut. */
const MAX_CAPTURE = 64 << 20;

export type RssSource = 'gnu-time' | 'proc-poll';

export interface Measurement {
  wallS: number;
  /** Peak RSS in KiB; NaN when it could not be read. */
  peakRssKb: number;
  rssSource: RssSource;
  pinned: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Last lines of stderr, for error messages. */
  stderrTail: string;
}

export function measurementTools(): { gnuTime: boolean; taskset: boolean } {
  return { gnuTime: existsSync(GNU_TIME), taskset: existsSync(TASKSET) };
}

export async function runMeasured(cmd: string, args: readonly string[]): Promise<Measurement> {
  const tools = measurementTools();
  const pinnedArgv = tools.taskset ? [TASKSET, '-c', '0', cmd, ...args] : [cmd, ...args];
  const scratch = tools.gnuTime ? mkdtempSync(join(tmpdir(), 'ud-time-')) : '';
  const timeOut = join(scratch, 'time.txt');
  const argv = tools.gnuTime ? [GNU_TIME, '-o', timeOut, '-f', '%e %M', ...pinnedArgv] : pinnedArgv;
  try {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let polledHwm = NaN;
    const poll = tools.gnuTime
      ? undefined
      : setInterval(() => {
          const hwm = readVmHwmKb(child.pid);
          if (!Number.isNaN(hwm)) polledHwm = Number.isNaN(polledHwm) ? hwm : Math.max(polledHwm, hwm);
        }, POLL_MS);
    const stdout = collect(child.stdout, MAX_CAPTURE);
    const stderr = collect(child.stderr, MAX_CAPTURE);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve([code, sig]));
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    if (poll) clearInterval(poll);
    return {
      wallS,
      peakRssKb: tools.gnuTime ? readGnuTimeRss(timeOut) : polledHwm,
      rssSource: tools.gnuTime ? 'gnu-time' : 'proc-poll',
      pinned: tools.taskset,
      exitCode,
      signal,
      stdout: await stdout,
      stderrTail: tail(await stderr, 5),
    };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

function readVmHwmKb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // the process already exited
  }
}

/** GNU time writes `Command exited with non-zero status N` before the format line on failure. */
function readGnuTimeRss(path: string): number {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const m = /^[\d.]+ (\d+)$/.exec(lines[lines.length - 1]);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

function collect(stream: NodeJS.ReadableStream, max: number): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    stream.on('data', (b: Buffer) => {
      if (size < max) parts.push(b);
      size += b.length;
    });
    stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    stream.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
