// The kill -9 test's tailer process: what `watch` does with a checkpoint, reduced to counting.
//   node -r ./swcRegister.js checkpointedTail.ts <log> <checkpoint> <max seq> <lines per checkpoint>
// Resumes from the checkpoint if there is one, follows <log>, and for each `seq=<n> …` line marks n in a
// bitmap (a second mark counts as a duplicate). Every <lines per checkpoint> lines it takes positions and
// counters together, synchronously inside onLine, and saves them. Reports over IPC after each round
// ({ delivered, saved }) and answers { cmd: 'flush' } with { flushed: state } once a checkpoint of
// everything delivered so far is on disk. It never exits by itself while its parent is there.

import { CheckpointStore } from '../checkpoint';
import { Tailer } from '../tailer';

interface State {
  count: number;
  dupes: number;
  bad: number;
  /** Bitmap of the sequence numbers seen, base64. */
  bits: string;
}

async function main(): Promise<void> {
  const [log, checkpointFile, maxSeqArg, everyArg] = process.argv.slice(2);
  const every = Number(everyArg);
  const store = new CheckpointStore(checkpointFile);
  const cp = await store.load();
  const prior = cp ? (cp.state as State) : null;
  const seen = prior ? Buffer.from(prior.bits, 'base64') : Buffer.alloc(Math.ceil(Number(maxSeqArg) / 8));
  let count = prior?.count ?? 0;
  let dupes = prior?.dupes ?? 0;
  let bad = prior?.bad ?? 0;
  let saved = count;

  const state = (): State => ({ count, dupes, bad, bits: seen.toString('base64') });
  const send = (msg: object) => {
    if (process.connected) process.send!(msg);
  };
  // Positions and counters are taken in the same synchronous step, so they agree line for line.
  const checkpoint = (): Promise<void> => {
    const snap = { positions: tailer.positions(), state: state() };
    return store.save(snap).then(() => {
      saved = snap.state.count;
    });
  };

  const tailer: Tailer = new Tailer({
    paths: [log],
    positions: cp?.positions,
    startAt: 'beginning',
    pollMs: 20,
    rotatedGraceMs: 300,
    maxBytesPerRound: 128 * 1024,
    onLine: (line) => {
      count++;
      const m = /^seq=(\d+) /.exec(line);
      if (!m) bad++;
      else {
        const n = Number(m[1]);
        const bit = 1 << (n & 7);
        if (seen[n >> 3] & bit) dupes++;
        else seen[n >> 3] |= bit;
      }
      if (count % every === 0) void checkpoint();
    },
    onRound: () => send({ delivered: count, saved }),
    onError: (err) => send({ error: err.message }),
  });
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd !== 'flush') return;
    void tailer
      .poll()
      .then(checkpoint)
      .then(() => send({ flushed: { count, dupes, bad } }));
  });
  process.on('disconnect', () => process.exit(0));
  tailer.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`checkpointedTail: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
