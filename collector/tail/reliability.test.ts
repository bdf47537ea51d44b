// The tailer against a real writer process appending ~20k lines/s while the log is rotated by rename,
// copytruncate and delete+recreate, over and over: every line written must be delivered exactly once.
// 12 s by default; UD_TAIL_RELIABILITY_SECONDS=60 for the long manual run.

import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tailer } from './tailer';

const SECONDS = Number(process.env.UD_TAIL_RELIABILITY_SECONDS ?? 12);
const RATE = 20_000;
const ROTATE_EVERY_MS = 2000;
jest.setTimeout((SECONDS + 90) * 1000);

/** Talks to testdata/writer.js: one command at a time, resolved with its answer. */
class Writer {
  private readonly child: ChildProcess;
  private waiting: ((msg: Record<string, number>) => void) | null = null;
  private exited: Error | null = null;

  constructor(path: string) {
    this.child = fork(join(__dirname, 'testdata', 'writer.js'), [path, String(RATE), String(SECONDS + 60)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(m as Record<string, number>);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`writer exited (${code})`);
    });
  }

  async send(cmd: string, answer: string): Promise<number> {
    if (this.exited) throw this.exited;
    const msg = await new Promise<Record<string, number>>((resolve) => {
      this.waiting = resolve;
      this.child.send({ cmd });
    });
    if (typeof msg[answer] !== 'number') throw new Error(`writer answered ${JSON.stringify(msg)} to ${cmd}`);
    return msg[answer];
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Tailer under a live writer', () => {
  let dir: string;
  let writer: Writer | null = null;
  let tailer: Tailer | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ud-tail-live-'));
  });
  afterEach(async () => {
    writer?.kill();
    await tailer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every line exactly once through rename, copytruncate and delete+recreate rotations', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    const seen = new Uint8Array(RATE * (SECONDS + 60));
    let delivered = 0;
    let twice = 0;
    const odd: string[] = [];
    tailer = new Tailer({
      paths: [path],
      startAt: 'beginning',
      rotatedGraceMs: 1000,
      onLine: (line) => {
        delivered++;
        const m = /^seq=(\d+) [0-9A-Za-z]*$/.exec(line);
        if (!m) {
          if (odd.length < 5) odd.push(line);
          return;
        }
        if (seen[Number(m[1])]++ > 0) twice++;
      },
      onError: (err) => odd.push(`error: ${err.message}`),
    });
    tailer.start();
    writer = new Writer(path);

    const began = Date.now();
    const modes = ['rename', 'copytruncate', 'delete'] as const;
    const done: string[] = [];
    let fromCopy = 0;
    for (let i = 0; Date.now() - began + ROTATE_EVERY_MS <= SECONDS * 1000; i++) {
      await sleep(ROTATE_EVERY_MS);
      const mode = modes[i % modes.length];
      if (mode === 'rename') {
        // logrotate `create`: rename, then the writer reopens (nginx on USR1); until it does, its lines
        // go to the renamed file, which the tailer must read to the end.
        renameSync(path, `${path}.${i}`);
        await writer.send('reopen', 'reopened');
      } else if (mode === 'delete') {
        unlinkSync(path);
        await writer.send('reopen', 'reopened');
      } else {
        // copytruncate loses the lines written between its copy and its truncate, whoever reads the log.
        // To assert exactness the writer pauses around those two steps (and only them). The tailer is
        // not waited for: what it had not read yet when the file was cut must come from the copy.
        await writer.send('pause', 'paused');
        copyFileSync(path, `${path}.${i}`);
        truncateSync(path, 0);
        await writer.send('resume', 'resumed');
        const t = tailer;
        const current = () => t.stats().find((st) => st.path === path && !st.rotated);
        await until(() => (current()?.truncations ?? 0) > 0, 10_000, 'the tailer to see the truncation');
        fromCopy += current()!.fromCopy;
      }
      done.push(mode);
    }
    const written = await writer.send('stop', 'stopped');
    await until(() => delivered >= written, 30_000, `all ${written} lines (delivered ${delivered})`);
    // A few more rounds: nothing may come after the last line.
    await tailer.poll();
    await tailer.poll();
    await tailer.stop();

    expect(odd).toEqual([]);
    expect(twice).toBe(0);
    expect(delivered).toBe(written);
    let missing = 0;
    for (let n = 0; n < written; n++) if (seen[n] !== 1) missing++;
    expect(missing).toBe(0);
    expect(done.length).toBeGreaterThanOrEqual(3);
    // Each truncation found the rotator's copy to finish the old content from.
    expect(fromCopy).toBe(done.filter((m) => m === 'copytruncate').length);
    // The load was real: at least half the nominal rate on a busy machine.
    expect(written).toBeGreaterThan(RATE * SECONDS * 0.5);
  });
});
