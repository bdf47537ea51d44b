// The README's demo as a user runs it: `upstream-doctor watch --replay samples/NAME`, the bin itself, asked
// for its verdict the way the page asks. Every sample must name its own cause from its first window on
// and keep naming it on the next lap (the loop must not invent evidence), and the replay must leave
// nothing behind when it stops.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSample } from './replay';
import { startWatch, type WatchProcess } from '../testing/watchProcess';

jest.setTimeout(240_000);

const SAMPLES = join(__dirname, '..', '..', 'samples');
/** The first window is at most 10 s of log time; the margin covers a slow start on a loaded machine. */
const FIRST_WINDOW_MS = 15_000;
const POLL_MS = 1_000;

interface Seen {
  sample: string;
  polls: number;
  wrong: string[];
}

async function verdicts(w: WatchProcess, sample: string, untilMs: number): Promise<Seen> {
  const start = Date.now();
  const seen: Seen = { sample, polls: 0, wrong: [] };
  for (;;) {
    const elapsed = Date.now() - start;
    if (elapsed > untilMs) return seen;
    const d = (await (await fetch(`${w.base}/api/diagnosis`)).json()) as { likely_cause: string; status: string; series: { rate_502: number } };
    if (elapsed >= FIRST_WINDOW_MS) {
      seen.polls++;
      if (d.likely_cause !== sample || d.status !== (sample === 'healthy' ? 'healthy' : 'named')) seen.wrong.push(`${(elapsed / 1000).toFixed(1)} s: ${d.likely_cause} (${d.status})`);
    } else if (d.status === 'healthy' && d.series.rate_502 > 0.01) {
      seen.wrong.push(`${(elapsed / 1000).toFixed(1)} s: healthy at ${(d.series.rate_502 * 100).toFixed(0)} % 502s`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

describe('watch --replay, every sample', () => {
  it('names the sample’s cause after its first window and again on the next lap', async () => {
    const names = readdirSync(SAMPLES).filter((n) => existsSync(join(SAMPLES, n, 'access.log')));
    expect(names.length).toBeGreaterThanOrEqual(10);
    const watches: WatchProcess[] = [];
    try {
      // All at once: each replay is a few lines a second, and the longest lap sets the test's length.
      for (const n of names) watches.push(await startWatch(['--replay', join(SAMPLES, n)]));
      const results = await Promise.all(
        names.map(async (n, i) => {
          const { spanMs } = await readSample(join(SAMPLES, n));
          // Through the first lap and the first window of the second.
          return verdicts(watches[i], n, spanMs + FIRST_WINDOW_MS);
        }),
      );
      for (const r of results) expect(r.polls).toBeGreaterThan(3);
      expect(results.filter((r) => r.wrong.length > 0).map((r) => `${r.sample}: ${r.wrong.join(', ')}`)).toEqual([]);
    } finally {
      await Promise.all(watches.map((w) => w.stop()));
    }
  });

  it('removes its temporary directory when stopped', async () => {
    const w = await startWatch(['--replay', join(SAMPLES, 'healthy')]);
    const dir = /replaying \S+ into (\S+) in real time/.exec(w.stderr())?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(join(dir!, 'access.log'))).toBe(true);
    expect(await w.stop('SIGTERM')).toBe(0);
    expect(existsSync(dir!)).toBe(false);

    const again = await startWatch(['--replay', join(SAMPLES, 'healthy')]);
    const second = /replaying \S+ into (\S+) in real time/.exec(again.stderr())![1];
    expect(await again.stop('SIGINT')).toBe(0);
    expect(existsSync(second)).toBe(false);
  });
});

test('the sample reader times every line of every sample', async () => {
  const s = await readSample(join(SAMPLES, 'oom_kill'));
  expect(s.events.filter((e) => e.file === 'kern.log').length).toBeGreaterThan(0);
  expect(s.events.every((e, i) => i === 0 || e.t >= s.events[i - 1].t)).toBe(true);
  expect(s.spanMs).toBeGreaterThan(5000);
});
