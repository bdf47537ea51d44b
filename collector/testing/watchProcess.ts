// Starts `upstream-doctor watch` as a real child process on a free loopback port, for tests and the
// tail-latency benchmark: they need what a user runs, kill -9 included. The built CLI is executed as the
// package's bin is (its shebang line, with its node flags), not through `node file.js`.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface WatchProcess {
  child: ChildProcess;
  base: string;
  stderr: () => string;
  /** Counter and gauge samples from /metrics, by full series text (`name{labels}`). */
  metrics(): Promise<Map<string, number>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const CLI = join(__dirname, '..', '..', 'build', 'collector', 'cli', 'main.js');
const BUILT_CLI = join(__dirname, '..', 'cli', 'main.js');

export function cliPath(): string {
  // From the source tree (jest) the CLI is the built one; from the build tree it is right here.
  return __dirname.includes(`${join('build', 'collector')}`) ? BUILT_CLI : CLI;
}

export async function startWatch(args: string[], opts: { timeoutMs?: number } = {}): Promise<WatchProcess> {
  const child = spawn(cliPath(), ['watch', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch did not start listening within ${opts.timeoutMs ?? 15000} ms:\n${err}`)), opts.timeoutMs ?? 15000);
    child.stderr!.on('data', (s: string) => {
      err += s;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`watch exited with ${code} before listening:\n${err}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    stderr: () => err,
    async metrics() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const out = new Map<string, number>();
      for (const line of text.split('\n')) {
        if (!line || line.startsWith('#')) continue;
        const i = line.lastIndexOf(' ');
        out.set(line.slice(0, i), Number(line.slice(i + 1)));
      }
      return out;
    },
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}

/** Sum of the samples of `name` whose labels contain every `k="v"` given. */
export function sumOf(m: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [series, v] of m) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, val]) => series.includes(`${k}="${val}"`))) total += v;
  }
  return total;
}

/** Polls `check` until it returns true or the deadline passes (then throws with `what`). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
