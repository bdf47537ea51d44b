// kill -9 in the middle of a file, twice, and a rename rotation while the tailer is down: restarted from
// its checkpoint each time, the tailer process ends having counted every line exactly once. The tailer
// runs in a child process (testdata/checkpointedTail.ts) that checkpoints every 2,500 lines.

import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from './checkpoint';

jest.setTimeout(90_000);

const TOTAL = 300_000;
const EVERY = 2500;
const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const line = (n: number) => `seq=${n} ${PAD.slice(0, n % PAD.length)}\n`;

interface Progress {
  delivered: number;
  saved: number;
}

/** One run of the tailer process, with what it last said. */
class TailProcess {
  readonly child: ChildProcess;
  last: Progress = { delivered: 0, saved: 0 };
  errors: string[] = [];
  flushed: Record<string, number> | null = null;
  exit: Promise<void>;
  exited = false;

  constructor(log: string, checkpoint: string) {
    const dir = join(__dirname, 'testdata');
    this.child = fork(join(dir, 'checkpointedTail.ts'), [log, checkpoint, String(TOTAL), String(EVERY)], {
      execArgv: ['-r', join(dir, 'swcRegister.js')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: Record<string, unknown>) => {
      if (typeof m.delivered === 'number') this.last = m as unknown as Progress;
      else if (typeof m.error === 'string') this.errors.push(m.error);
      else if (m.flushed) this.flushed = m.flushed as Record<string, number>;
    });
    this.exit = new Promise((resolve) => this.child.on('exit', () => resolve()));
    void this.exit.then(() => (this.exited = true));
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exit;
  }
}

describe('kill -9 and restart from the checkpoint', () => {
  let dir: string;
  const running: TailProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ud-tail-kill-'));
  });
  afterEach(async () => {
    for (const p of running.splice(0)) if (!p.exited) await p.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every line once across two kills mid-file and a rotation while down', async () => {
    const log = join(dir, 'access.log');
    const checkpoint = join(dir, 'state', 'tail.json');
    let written = 0;
    const append = (path: string, upTo: number) => {
      let chunk = '';
      while (written < upTo) chunk += line(written++);
      if (chunk) appendFileSync(path, chunk);
    };
    /** Keeps appending to `path` (up to `cap` lines) while waiting for `cond`, failing after a deadline. */
    const writeUntil = async (p: TailProcess, path: string, cap: number, cond: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!cond()) {
        if (p.exited) throw new Error(`tailer process exited while waiting for ${what}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last ${JSON.stringify(p.last)}, written ${written})`);
        append(path, Math.min(cap, written + 2000));
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const start = () => {
      const p = new TailProcess(log, checkpoint);
      running.push(p);
      return p;
    };

    writeFileSync(log, '');
    append(log, 40_000);
    const first = start();
    // Killed with lines delivered after its last checkpoint, and lines in the file it has not reached.
    await writeUntil(first, log, 120_000, () => first.last.saved > 0 && first.last.delivered > first.last.saved + EVERY, 'a checkpoint and unsaved lines after it');
    append(log, written + 10_000);
    const killedAt1 = first.last;
    await first.kill9();
    expect(killedAt1.delivered).toBeLessThan(written);

    append(log, 150_000);
    const second = start();
    await writeUntil(second, log, 200_000, () => second.last.saved > killedAt1.saved && second.last.delivered > second.last.saved + EVERY, 'progress after the first restart');
    append(log, written + 10_000);
    const killedAt2 = second.last;
    await second.kill9();
    expect(killedAt2.delivered).toBeLessThan(written);

    // While it is down: rename rotation. The old file gets a few more lines (its writer had not reopened
    // yet), and a new file at the path starts.
    renameSync(log, `${log}.1`);
    append(`${log}.1`, written + 20_000);
    writeFileSync(log, '');
    append(log, written + 20_000);

    const third = start();
    await writeUntil(third, log, TOTAL, () => third.last.delivered === TOTAL, `all ${TOTAL} lines`);
    third.child.send({ cmd: 'flush' });
    await writeUntil(third, log, TOTAL, () => third.flushed !== null, 'the final checkpoint');
    await third.kill9();

    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
    expect(third.flushed).toEqual({ count: TOTAL, dupes: 0, bad: 0 });
    const cp = await new CheckpointStore(checkpoint).load();
    const state = cp!.state as { count: number; dupes: number; bad: number; bits: string };
    expect({ count: state.count, dupes: state.dupes, bad: state.bad }).toEqual({ count: TOTAL, dupes: 0, bad: 0 });
    const bits = Buffer.from(state.bits, 'base64');
    let marked = 0;
    for (let n = 0; n < TOTAL; n++) if (bits[n >> 3] & (1 << (n & 7))) marked++;
    expect(marked).toBe(TOTAL);
  });
});
