// The page's browser tests run what a user runs: the built `upstream-doctor watch`, started the way the
// README starts it — the package's bin file executed directly, so its shebang (and the Node flags in it)
// applies — on a free loopback port. Ready means listening and, when the test says how many log lines it
// gave, all of them read (polled on /healthz, never slept for). Node only, never bundled.
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The package's `bin` (package.json), as `npm run build` leaves it. */
export const BIN = path.join(ROOT, 'build', 'collector', 'cli', 'main.js');

export interface WatchServer {
  /** The page's URL, ending in '/'. */
  url: string;
  stderr(): string;
  /** Lines read per source (access, error, kernel), from /healthz. */
  lines(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface WatchOptions {
  /** Lines per source to wait for before the server counts as ready. */
  expectLines?: Partial<Record<'access' | 'error' | 'kernel', number>>;
  /** Another build of the package (see installWithoutPage); this checkout's by default. */
  bin?: string;
  timeoutMs?: number;
}

/** `watch --listen 127.0.0.1:0 …args`, run from the repository root so the README's relative paths work. */
export async function startWatch(args: string[], opts: WatchOptions = {}): Promise<WatchServer> {
  const bin = opts.bin ?? BIN;
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`${bin} is missing or not executable: run npm run build`);
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // The shebang asks `env` for node: the one running the tests comes first on the PATH.
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(bin, ['watch', '--listen', '127.0.0.1:0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (err += s));
  const stop = () => stopChild(child);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch did not listen within ${timeoutMs} ms:\n${err}`)), timeoutMs);
      const onData = () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
        if (!m) return;
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(Number(m[1]));
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`watch exited (${code ?? signal}) before listening:\n${err}`));
      });
    });
    const url = `http://127.0.0.1:${port}/`;
    const lines = async () => ((await (await fetch(`${url}healthz`)).json()) as { lines: Record<string, number> }).lines;
    const want = Object.entries(opts.expectLines ?? {});
    if (want.length) {
      await poll(`watch to read ${JSON.stringify(opts.expectLines)} lines`, timeoutMs, async () => {
        const have = await lines();
        return want.every(([k, n]) => (have[k] ?? 0) >= (n ?? 0));
      });
    }
    return { url, stderr: () => err, lines, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Non-empty lines in a log file: what /healthz counts once the file has been read. */
export function lineCount(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
}

/**
 * The package as installed by someone who built the collector but not the page (build/page missing): a
 * copy of build/collector and package.json in a temporary directory, sharing this checkout's
 * node_modules. `watch` from it serves its server-rendered fallback page.
 */
export function installWithoutPage(): { bin: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ud-nopage-'));
  fs.cpSync(path.join(ROOT, 'build', 'collector'), path.join(dir, 'build', 'collector'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { bin: path.join(dir, 'build', 'collector', 'cli', 'main.js'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Calls `check` until it is true or `timeoutMs` passes (then throws naming `what`). */
export async function poll(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    // SIGTERM lets watch stop its replay and close; a watch that hangs is killed.
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
