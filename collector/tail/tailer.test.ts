import {
  appendFileSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Tailer, TailCallbackError, TailPathError, type FilePosition, type TailerOptions } from './tailer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-tail-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Got {
  t: Tailer;
  lines: string[];
  files: string[];
  errors: Error[];
}

const started: Tailer[] = [];
afterEach(async () => {
  for (const t of started.splice(0)) await t.stop();
});

/** A tailer driven by hand (poll), without fs.watch, unless the options say otherwise. */
function follow(paths: string[], opts: Partial<TailerOptions> = {}): Got {
  const got: Got = { t: null as unknown as Tailer, lines: [], files: [], errors: [] };
  got.t = new Tailer({
    paths,
    source: 'access',
    watch: false,
    rotatedGraceMs: 0,
    onLine: (line, source, file) => {
      if (source !== 'access') got.errors.push(new Error(`source ${source}`));
      got.lines.push(line);
      got.files.push(file);
    },
    onError: (err) => got.errors.push(err),
    ...opts,
  });
  started.push(got.t);
  return got;
}

/** Resolves when `cond` holds, polling; fails after the deadline. */
async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const seq = (from: number, to: number, prefix = 'line') => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describe('Tailer: start and partial lines', () => {
  it('starts at the end by default, and at a line start even when the last line is unfinished', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, `${text(seq(0, 3))}half of li`);
    const g = follow([path]);
    await g.t.poll();
    expect(g.lines).toEqual([]);
    appendFileSync(path, 'ne 3\nline 4\n');
    await g.t.poll();
    expect(g.lines).toEqual(['half of line 3', 'line 4']);
    expect(g.files).toEqual([path, path]);
  });

  it('reads from the beginning when asked', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 5)));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    expect(g.lines).toEqual(seq(0, 5));
    expect(g.errors).toEqual([]);
  });

  it('holds an unfinished line back until its newline arrives, across rounds, CRLF included', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    const g = follow([path]);
    await g.t.poll();
    appendFileSync(path, 'first\r\nsec');
    await g.t.poll();
    expect(g.lines).toEqual(['first']);
    expect(g.t.positions()[0].offset).toBe(7);
    appendFileSync(path, 'ond, still');
    await g.t.poll();
    expect(g.lines).toEqual(['first']);
    appendFileSync(path, ' going\n\nthird\n');
    await g.t.poll();
    expect(g.lines).toEqual(['first', 'second, still going', 'third']);
    expect(g.t.positions()[0].offset).toBe(statSync(path).size);
  });

  it('drops over-long lines while they stream in, across rounds, and counts them', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    const g = follow([path], { maxLineBytes: 100, startAt: 'beginning' });
    await g.t.poll();
    appendFileSync(path, `ok 1\n${'x'.repeat(80)}`);
    await g.t.poll();
    appendFileSync(path, 'x'.repeat(80));
    await g.t.poll();
    appendFileSync(path, `${'x'.repeat(300_000)}\nok 2\n${'y'.repeat(101)}\n${'z'.repeat(100)}\n`);
    await g.t.poll();
    expect(g.lines).toEqual(['ok 1', 'ok 2', 'z'.repeat(100)]);
    const [s] = g.t.stats();
    expect(s).toMatchObject({ lines: 3, tooLong: 2, lag: 0, offset: statSync(path).size });
  });

  it('starting at the end inside an over-long line drops that line, not a tail of it', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, `ok\n${'x'.repeat(500)}`);
    const g = follow([path], { maxLineBytes: 100 });
    await g.t.poll();
    appendFileSync(path, 'x\nafter\n');
    await g.t.poll();
    expect(g.lines).toEqual(['after']);
    expect(g.t.stats()[0].tooLong).toBe(1);
  });

  it('gives positions that count the line being delivered, inside onLine', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, 'a\nbb\n\nccc\n');
    const offsets: number[] = [];
    const g = follow([path], { startAt: 'beginning', onLine: () => offsets.push(g.t.positions()[0].offset) });
    await g.t.poll();
    expect(offsets).toEqual([2, 5, 10]);
  });
});

describe('Tailer: rotation', () => {
  it('rename rotation: reads the old file to its end (also what its writer adds after the rename), then the new one from 0', async () => {
    const path = join(dir, 'access.log');
    const fd = openSync(path, 'a');
    writeSync(fd, text(seq(0, 3)));
    const g = follow([path], { startAt: 'beginning', rotatedGraceMs: 60_000 });
    await g.t.poll();
    writeSync(fd, text(seq(3, 5)));
    renameSync(path, `${path}.1`);
    // The writer has not reopened yet (nginx before USR1): these lines still go to the renamed file.
    writeSync(fd, `${text(seq(5, 7))}unfinished`);
    writeFileSync(path, text(seq(0, 2, 'new')));
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 7), ...seq(0, 2, 'new')]);
    expect(g.files.slice(3, 7)).toEqual(Array(4).fill(path));
    const old = g.t.stats().find((s) => s.rotated)!;
    expect(old).toMatchObject({ path, rotated: true, lines: 7 });
    // Still followed while the grace period runs: late lines of the old file are not lost.
    writeSync(fd, ' line\nline 8\n');
    closeSync(fd);
    await g.t.poll();
    expect(g.lines.slice(-2)).toEqual(['unfinished line', 'line 8']);
    expect(g.t.positions()).toHaveLength(2);
  });

  it('keeps the order of a log across a rotation when the old file has a backlog of many rounds', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    const g = follow([path], { maxBytesPerRound: 1024, rotatedGraceMs: 60_000 });
    await g.t.poll();
    appendFileSync(path, text(seq(0, 1000)));
    renameSync(path, `${path}.1`);
    writeFileSync(path, text(seq(0, 10, 'new')));
    for (let i = 0; i < 100 && g.lines.length < 1010; i++) await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 1000), ...seq(0, 10, 'new')]);
  });

  it('lets a rotated file go after the grace period, delivering its unfinished last line', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, 'one\n');
    const g = follow([path], { startAt: 'beginning', rotatedGraceMs: 150 });
    await g.t.poll();
    appendFileSync(path, 'no newline at the end');
    renameSync(path, `${path}.1`);
    await g.t.poll();
    expect(g.lines).toEqual(['one']);
    await new Promise((r) => setTimeout(r, 200));
    await g.t.poll();
    expect(g.lines).toEqual(['one', 'no newline at the end']);
    expect(g.t.stats()).toEqual([]);
    expect(g.t.positions()).toEqual([]);
  });

  it('follows a rotated file that still matches a glob under its new name, without reading it again', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 2)));
    const g = follow([join(dir, 'access.log*')], { startAt: 'beginning' });
    await g.t.poll();
    appendFileSync(path, 'line 2\n');
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'new 0\n');
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 3), 'new 0']);
    expect(g.t.stats().map((s) => [s.path, s.rotated])).toEqual([
      [`${path}.1`, false],
      [path, false],
    ]);
    // logrotate `compress` later writes a gzip copy: never followed.
    writeFileSync(`${path}.2.gz`, gzipSync('zipped 0\n'));
    writeFileSync(`${path}.3`, gzipSync('zipped 1\n'));
    await g.t.poll();
    expect(g.lines).toHaveLength(4);
    expect(g.t.stats()).toHaveLength(2);
  });

  it('copytruncate: a file shorter than the offset is read again from 0', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 4)));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    appendFileSync(path, 'line 4\nunfini');
    await g.t.poll();
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, 'after 0\n');
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 5), 'after 0']);
    expect(g.t.stats()[0]).toMatchObject({ truncations: 1, cutPartial: 1, offset: 8 });
  });

  it('copytruncate: lines written after the last read and before the copy are read from the copy', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 3)));
    writeFileSync(`${path}.2`, text(seq(0, 100, 'older generation')));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    appendFileSync(path, `${text(seq(3, 6))}line 6 cut by the copy`);
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, text(seq(0, 2, 'after')));
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 6), ...seq(0, 2, 'after')]);
    expect(g.t.stats()).toEqual([expect.objectContaining({ path, truncations: 1, fromCopy: 1, cutPartial: 1, lines: 8 })]);
  });

  it('copytruncate without a copy in sight (compressed at once): read again from 0, the unread rest lost', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 3)));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    appendFileSync(path, 'line 3\n');
    writeFileSync(`${path}.1.gz`, gzipSync(text(seq(0, 4))));
    truncateSync(path, 0);
    appendFileSync(path, 'after 0\n');
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 3), 'after 0']);
    expect(g.t.stats()[0]).toMatchObject({ truncations: 1, fromCopy: 0 });
  });

  it('copytruncate: a file truncated and written past the old offset before the next look is told by its first bytes', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 3)));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    truncateSync(path, 0);
    appendFileSync(path, text(seq(0, 10, 'regrown')));
    await g.t.poll();
    expect(g.lines).toEqual([...seq(0, 3), ...seq(0, 10, 'regrown')]);
    expect(g.t.stats()[0].truncations).toBe(1);
  });

  it('delete and recreate: the deleted file is read to its end, the new one from 0', async () => {
    const path = join(dir, 'access.log');
    const fd = openSync(path, 'a');
    writeSync(fd, 'old 0\n');
    const g = follow([path], { startAt: 'beginning', rotatedGraceMs: 60_000 });
    await g.t.poll();
    unlinkSync(path);
    writeSync(fd, 'old 1\n');
    await g.t.poll();
    writeFileSync(path, 'new 0\n');
    writeSync(fd, 'old 2\n');
    closeSync(fd);
    await g.t.poll();
    expect(g.lines).toEqual(['old 0', 'old 1', 'old 2', 'new 0']);
  });

  it('follows a path that does not exist yet from its first byte, whatever startAt says', async () => {
    const path = join(dir, 'later', 'access.log');
    const g = follow([path]);
    await g.t.poll();
    expect(g.t.positions()).toEqual([]);
    mkdirSync(join(dir, 'later'));
    writeFileSync(path, text(seq(0, 3)));
    await g.t.poll();
    expect(g.lines).toEqual(seq(0, 3));
    expect(g.errors).toEqual([]);
  });

  it('picks up files that start matching a glob, from 0, and leaves others alone', async () => {
    writeFileSync(join(dir, 'a.access.log'), 'a old\n');
    const g = follow([join(dir, '*.access.log')]);
    await g.t.poll();
    appendFileSync(join(dir, 'a.access.log'), 'a new\n');
    writeFileSync(join(dir, 'b.access.log'), 'b 0\nb 1\n');
    writeFileSync(join(dir, 'b.error.log'), 'not me\n');
    writeFileSync(join(dir, '.hidden.access.log'), 'not me either\n');
    await g.t.poll();
    expect(g.lines).toEqual(['a new', 'b 0', 'b 1']);
    expect(g.files).toEqual([join(dir, 'a.access.log'), join(dir, 'b.access.log'), join(dir, 'b.access.log')]);
  });

  it('expands wildcards in directory names too', async () => {
    mkdirSync(join(dir, 'site1'));
    const g = follow([join(dir, 'site*', 'access.log')]);
    await g.t.poll();
    mkdirSync(join(dir, 'site2'));
    writeFileSync(join(dir, 'site1', 'access.log'), 'one\n');
    writeFileSync(join(dir, 'site2', 'access.log'), 'two\n');
    await g.t.poll();
    expect(g.lines.sort()).toEqual(['one', 'two']);
  });
});

describe('Tailer: restart from positions', () => {
  async function firstRun(path: string, lines: string[]): Promise<FilePosition[]> {
    writeFileSync(path, text(lines));
    const g = follow([path], { startAt: 'beginning' });
    await g.t.poll();
    expect(g.lines).toEqual(lines);
    await g.t.stop();
    return g.t.positions();
  }

  it('resumes each file at its saved offset', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 3));
    expect(saved).toEqual([{ path, dev: statSync(path).dev, ino: statSync(path).ino, offset: statSync(path).size, head: expect.stringMatching(/^21:/) }]);
    appendFileSync(path, text(seq(3, 5)));
    const g = follow([path], { positions: saved });
    // Before its first round a tailer reports the positions it was given, so an early checkpoint keeps them.
    expect(g.t.positions()).toEqual(saved);
    await g.t.poll();
    expect(g.lines).toEqual(seq(3, 5));
  });

  it('finishes a file rotated by rename since the checkpoint, then reads the new file whole', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 3));
    appendFileSync(path, text(seq(3, 5)));
    renameSync(path, `${path}.1`);
    writeFileSync(path, text(seq(0, 2, 'new')));
    const g = follow([path], { positions: saved, rotatedGraceMs: 60_000 });
    await g.t.poll();
    expect(g.lines).toEqual([...seq(3, 5), ...seq(0, 2, 'new')]);
    expect(g.files[0]).toBe(`${path}.1`);
    expect(g.t.positions().map((p) => p.path)).toEqual([`${path}.1`, path]);
  });

  it('after a copytruncate while stopped, reads the rest from the copy, then the file from 0', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 3));
    appendFileSync(path, text(seq(3, 6)));
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, text(seq(0, 20, 'after')));
    const g = follow([path], { positions: saved, rotatedGraceMs: 60_000 });
    await g.t.poll();
    expect(g.lines).toEqual([...seq(3, 6), ...seq(0, 20, 'after')]);
    expect(g.t.positions().map((p) => p.path)).toEqual([`${path}.1`, path]);
  });

  it('reads a file truncated since the checkpoint from 0', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 5));
    truncateSync(path, 0);
    appendFileSync(path, 'after 0\n');
    const g = follow([path], { positions: saved });
    await g.t.poll();
    expect(g.lines).toEqual(['after 0']);
  });

  it('reads a file truncated and regrown past the saved offset from 0 (its first bytes changed)', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 2));
    truncateSync(path, 0);
    appendFileSync(path, text(seq(0, 5, 'other')));
    const g = follow([path], { positions: saved });
    await g.t.poll();
    expect(g.lines).toEqual(seq(0, 5, 'other'));
  });

  it('matches by path with the same first bytes when the device number changed (reboot)', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 3));
    appendFileSync(path, 'line 3\n');
    const moved = saved.map((p) => ({ ...p, dev: p.dev + 1 }));
    const g = follow([path], { positions: moved });
    await g.t.poll();
    expect(g.lines).toEqual(['line 3']);
  });

  it('reads files the checkpoint does not know from 0 (they appeared after it)', async () => {
    const path = join(dir, 'access.log');
    const saved = await firstRun(path, seq(0, 1));
    writeFileSync(join(dir, 'other.log'), 'other 0\n');
    const g = follow([join(dir, '*.log')], { positions: saved });
    await g.t.poll();
    expect(g.lines).toEqual(['other 0']);
  });
});

describe('Tailer: running on its own', () => {
  it('delivers promptly through fs.watch, with a poll interval far longer than the wait', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    let rounds = 0;
    const g = follow([path], { watch: true, pollMs: 60_000, onRound: () => void rounds++ });
    g.t.start();
    await until(() => rounds >= 1, 5000, 'the first round');
    appendFileSync(path, 'hello\n');
    await until(() => g.lines.length === 1, 5000, 'the line via fs.watch');
    expect(g.lines).toEqual(['hello']);
  });

  it('polls on its timer without fs.watch, and stops cleanly keeping its positions', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, '');
    const g = follow([path], { pollMs: 20 });
    g.t.start();
    await until(() => g.t.stats().length === 1, 5000, 'the file to be followed');
    appendFileSync(path, text(seq(0, 1000)));
    await until(() => g.lines.length === 1000, 5000, 'all lines');
    await g.t.stop();
    appendFileSync(path, 'after stop\n');
    await g.t.poll();
    expect(g.lines).toHaveLength(1000);
    expect(g.t.positions()[0].offset).toBe(statSync(path).size - 'after stop\n'.length);
    expect(() => g.t.start()).toThrow();
  });

  it('reads a large backlog in bounded rounds and catches up at once', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, text(seq(0, 50_000)));
    let rounds = 0;
    const g = follow([path], { startAt: 'beginning', maxBytesPerRound: 64 * 1024, pollMs: 60_000, onRound: () => void rounds++ });
    g.t.start();
    await until(() => g.lines.length === 50_000, 10_000, 'the backlog');
    expect(rounds).toBeGreaterThan(5);
    expect(g.lines[49_999]).toBe('line 49999');
  });

  it('reports a line handler that throws once, and goes on', async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, 'a\nb\nc\n');
    const seen: string[] = [];
    const g = follow([path], {
      startAt: 'beginning',
      onLine: (l) => {
        seen.push(l);
        throw new Error('handler bug');
      },
    });
    await g.t.poll();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(g.errors).toHaveLength(1);
    expect(g.errors[0]).toBeInstanceOf(TailCallbackError);
    expect(g.errors[0].message).toBe(`the line handler failed on a line of ${path}: handler bug`);
  });

  it('reports a path that is not a regular file once, in one line', async () => {
    const sub = join(dir, 'access.log');
    mkdirSync(sub);
    const g = follow([sub]);
    await g.t.poll();
    await g.t.poll();
    expect(g.errors).toHaveLength(1);
    expect(g.errors[0]).toBeInstanceOf(TailPathError);
    expect(g.errors[0].message).toBe(`cannot follow ${sub}: is a directory, not a file`);
  });

  it('refuses bad options', () => {
    expect(() => new Tailer({ paths: [], onLine: () => undefined })).toThrow(RangeError);
    expect(() => new Tailer({ paths: ['x'], pollMs: 0, onLine: () => undefined })).toThrow(RangeError);
    expect(() => new Tailer({ paths: ['x'], maxLineBytes: -1, onLine: () => undefined })).toThrow(RangeError);
  });
});
