// Replays recorded logs (the bundled samples) into fresh files in real time, with every timestamp moved
// to now, so `watch` can be tried without an nginx: the same tailer, parsers and page as in production.
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

interface Timed {
  t: number;
  file: string;
  render: (shiftMs: number) => string;
}

/** Access lines: `[20/Nov/2026:23:34:46 +0000]` and `msec=1795217686.123` (UTC, as the lab writes them). */
function accessLine(line: string): Timed | null {
  const m = /msec=(\d+\.\d{3})/.exec(line);
  if (!m) return null;
  const t = Math.round(Number(m[1]) * 1000);
  return {
    t,
    file: 'access.log',
    render: (shift) => {
      const d = new Date(t + shift);
      const local = `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000]`;
      return line.replace(/\[[^\]]+\]/, local).replace(/msec=\d+\.\d{3}/, `msec=${((t + shift) / 1000).toFixed(3)}`);
    },
  };
}

/** Error lines start `2026/11/20 23:34:46` in the writer's local time, taken as UTC like the access log. */
function errorLine(line: string): Timed | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return {
    t,
    file: 'error.log',
    render: (shift) => {
      const d = new Date(t + shift);
      return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${line.slice(19)}`;
    },
  };
}

/** Syslog kernel lines: `Nov 20 23:35:02 host kernel: …`. */
function kernelLine(line: string, year: number): Timed | null {
  const m = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (!m || !MONTHS.includes(m[1])) return null;
  const t = Date.UTC(year, MONTHS.indexOf(m[1]), +m[2], +m[3], +m[4], +m[5]);
  return {
    t,
    file: 'kern.log',
    render: (shift) => {
      const d = new Date(t + shift);
      return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${line.slice(m[0].length)}`;
    },
  };
}

export interface Replay {
  dir: string;
  files: { access: string; error: string; kernel: string };
  /** Stops writing; removes the directory when the replay made it. */
  stop(): Promise<void>;
}

/** One recorded line with its time, able to render itself moved by `shiftMs`. */
export interface SampleEvent extends Timed {}

export interface Sample {
  /** Every line of the sample's access, error and kernel logs, in time order. */
  events: SampleEvent[];
  /** One lap: first to last line, plus a 5 s pause before the sample starts over. */
  spanMs: number;
  firstMs: number;
}

/** Reads a recorded sample (access.log in the lab's format, error.log, kern.log) into timed events. */
export async function readSample(sampleDir: string): Promise<Sample> {
  const read = async (name: string) => (await readFile(join(sampleDir, name), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const access = (await read('access.log')).map(accessLine).filter((x): x is Timed => x !== null);
  if (access.length === 0) throw new Error(`${sampleDir} holds no replayable access.log (the lab's upstream_doctor format)`);
  const year = new Date(access[0].t).getUTCFullYear();
  const events = [
    ...access,
    ...(await read('error.log')).map(errorLine).filter((x): x is Timed => x !== null),
    ...(await read('kern.log')).map((l) => kernelLine(l, year)).filter((x): x is Timed => x !== null),
  ].sort((a, b) => a.t - b.t);
  const firstMs = events[0].t;
  return { events, firstMs, spanMs: events[events.length - 1].t - firstMs + LAP_PAUSE_MS };
}

const LAP_PAUSE_MS = 5000;

/**
 * Copies the sample in `sampleDir` into `outDir` line by line at the pace it was recorded, starting now,
 * and starts over (later by the sample's length) when it reaches the end. Without `outDir` it makes a
 * temporary directory, which `stop()` removes.
 */
export async function startReplay(sampleDir: string, outDir?: string): Promise<Replay> {
  const { events, firstMs: first, spanMs: span } = await readSample(sampleDir);
  const owned = outDir === undefined;
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'upstream-doctor-replay-')));
  await mkdir(dir, { recursive: true });
  const files = { access: join(dir, 'access.log'), error: join(dir, 'error.log'), kernel: join(dir, 'kern.log') };
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));

  const start = Date.now();
  let lap = 0;
  let next = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const tick = async () => {
    const elapsed = Date.now() - start - lap * span;
    const out: Record<string, string[]> = {};
    while (next < events.length && events[next].t - first <= elapsed) {
      const e = events[next++];
      (out[e.file] ??= []).push(e.render(start + lap * span - first));
    }
    for (const [file, lines] of Object.entries(out)) await appendFile(join(dir, file), lines.join('\n') + '\n');
    if (next >= events.length && elapsed >= span) {
      lap++;
      next = 0;
    }
    if (!stopped) timer = setTimeout(() => (writing = tick()), 100);
  };
  await tick();
  return {
    dir,
    files,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await writing.catch(() => undefined);
      if (owned) await rm(dir, { recursive: true, force: true });
    },
  };
}
