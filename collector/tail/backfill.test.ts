import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { backfill } from './backfill';
import type { ProgressStream } from './progress';
import { Tailer } from './tailer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-backfill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

/** Writes a log file with the given age in seconds (rotators leave older copies with older times). */
function write(name: string, content: string | Buffer, ageS: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  const t = Date.now() / 1000 - ageS;
  utimesSync(path, t, t);
  return path;
}

/** A history of four generations: .3.gz (oldest) … .1 (plain, delaycompress) and the live file. */
function history(): { live: string; gens: Record<string, string[]> } {
  const gens = { g3: lines('g3', 300), g2: lines('g2', 200), g1: lines('g1', 100), live: lines('live', 50) };
  write('access.log.3.gz', gzipSync(text(gens.g3)), 300);
  write('access.log.2.gz', gzipSync(text(gens.g2)), 200);
  write('access.log.1', text(gens.g1), 100);
  const live = write('access.log', text(gens.live), 0);
  return { live, gens };
}

describe('backfill', () => {
  it('reads the rotated copies oldest first, gzip included, and never the live file', async () => {
    const { live, gens } = history();
    write('error.log.1', 'not this log\n', 50);
    const got: string[] = [];
    const files: string[] = [];
    const res = await backfill([live], (l, f) => {
      got.push(l);
      files.push(f);
    }, { progress: false });
    expect(got).toEqual([...gens.g3, ...gens.g2, ...gens.g1]);
    expect(res.files.map((f) => [f.path, f.lines, f.gzip])).toEqual([
      [`${live}.3.gz`, 300, true],
      [`${live}.2.gz`, 200, true],
      [`${live}.1`, 100, false],
    ]);
    expect(res.lines).toBe(600);
    expect(res.bytes).toBe(Buffer.byteLength(text([...gens.g3, ...gens.g2, ...gens.g1])));
    expect(files[0]).toBe(`${live}.3.gz`);
    const st = statSync(live);
    const st1 = statSync(`${live}.1`);
    expect(res.handoff).toEqual([
      { path: live, dev: st.dev, ino: st.ino, offset: 0 },
      { path: `${live}.1`, dev: st1.dev, ino: st1.ino, offset: st1.size },
    ]);
  });

  it('with the tailer started from its handoff, reads every line once although a rotation ran in between', async () => {
    const { live, gens } = history();
    const got: string[] = [];
    let rotated = false;
    const res = await backfill([live], (l) => {
      got.push(l);
      if (rotated) return;
      rotated = true;
      // logrotate runs while the backfill reads the oldest copy: shift the numbered copies, rename the
      // live file to .1 (its writer appends two more lines before reopening), create a new live file.
      renameSync(`${live}.3.gz`, `${live}.4.gz`);
      renameSync(`${live}.2.gz`, `${live}.3.gz`);
      renameSync(`${live}.1`, `${live}.2`);
      renameSync(live, `${live}.1`);
      appendFileSync(`${live}.1`, 'live 50\nlive 51\n');
      writeFileSync(live, text(lines('next', 5)));
    }, { progress: false });
    expect(res.lines).toBe(600);
    const t = new Tailer({ paths: [live], positions: res.handoff, startAt: 'beginning', watch: false, rotatedGraceMs: 0, onLine: (l) => got.push(l) });
    await t.poll();
    await t.stop();
    expect(got).toEqual([...gens.g3, ...gens.g2, ...gens.g1, ...gens.live, 'live 50', 'live 51', ...lines('next', 5)]);
  });

  it('goes on from where it read the newest rotated copy, which its writer may still append to', async () => {
    const { live } = history();
    const got: string[] = [];
    const res = await backfill([live], (l) => got.push(l), { progress: false });
    appendFileSync(`${live}.1`, 'g1 late\n');
    const t = new Tailer({ paths: [live], positions: res.handoff, watch: false, rotatedGraceMs: 0, onLine: (l) => got.push(l) });
    await t.poll();
    await t.stop();
    expect(got.slice(598)).toEqual(['g1 98', 'g1 99', 'g1 late', ...lines('live', 50)]);
  });

  it('keeps the lines before damage in a truncated gzip copy, says why it stopped, and goes on', async () => {
    const gz = gzipSync(text(lines('old', 20_000)));
    write('access.log.2.gz', gz.subarray(0, Math.floor(gz.length / 2)), 200);
    write('access.log.1', 'g1 0\n', 100);
    write('access.log.3.bz2', 'BZh91AY&SY', 300);
    const live = write('access.log', '', 0);
    const got: string[] = [];
    const res = await backfill([live], (l) => got.push(l), { progress: false });
    const [damaged, plain] = res.files;
    expect(damaged.error).toMatch(/^cannot read .*access\.log\.2\.gz: corrupt or truncated gzip data/);
    expect(damaged.lines).toBeGreaterThan(0);
    expect(got.slice(0, damaged.lines)).toEqual(lines('old', damaged.lines));
    expect(plain).toMatchObject({ lines: 1 });
    expect(got[got.length - 1]).toBe('g1 0');
    expect(res.skipped).toEqual([{ path: join(dir, 'access.log.3.bz2'), reason: 'compressed in a format other than gzip' }]);
  });

  it('finds the copies of a live file that is gone, and of every file a glob matches', async () => {
    write('a.access.log.1', 'a1\n', 10);
    write('b.access.log.1', 'b1\n', 10);
    write('b.access.log', 'b live\n', 0);
    const got: string[] = [];
    await backfill([join(dir, 'gone.log'), join(dir, '*.access.log')], (l) => got.push(l), { progress: false });
    expect(got).toEqual(['b1']);
    write('gone.log.1', 'g1\n', 10);
    got.length = 0;
    const res = await backfill([join(dir, 'gone.log'), join(dir, 'a.access.log')], (l) => got.push(l), { progress: false });
    expect(got).toEqual(['g1', 'a1']);
    expect(res.handoff.map((p) => p.path)).toEqual([join(dir, 'gone.log.1'), join(dir, 'a.access.log.1')]);
  });

  it('draws a progress bar on a terminal, reaching 100%, and nothing elsewhere', async () => {
    const { live } = history();
    const tty: ProgressStream & { out: string } = { isTTY: true, columns: 100, out: '', write(s: string) { this.out += s; return true; } };
    await backfill([live], () => undefined, { progress: tty });
    expect(tty.out).toMatch(/\r\[#{10,}\] 100% .* lines\/s done\x1b\[K\n$/);
    const pipe = { ...tty, isTTY: false, out: '' };
    await backfill([live], () => undefined, { progress: pipe });
    expect(pipe.out).toBe('');
  });
});
