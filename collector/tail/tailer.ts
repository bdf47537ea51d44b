// Follows live log files for `upstream-doctor watch`: paths or glob patterns, expanded again every round
// so files that appear later are picked up, read from where the last checkpoint left them. The poll timer
// is the source of truth; fs.watch on the directories only makes a round come sooner.
//
// What survives what (each has a test in tailer.test.ts / reliability.test.ts):
// - rename rotation (logrotate `create`): the old file is followed by identity (device + inode) through
//   its new name or its deletion, read to its end, and let go once it has not grown for `rotatedGraceMs`
//   (the writer may still be writing it until it reopens, e.g. nginx until USR1); the new file at the path
//   is read from 0, after the old one within each round.
// - copytruncate: a file shorter than what was read, or whose first bytes changed (truncated and written
//   past our offset before we looked), is read again from 0. First, what we had not read yet is read from
//   the rotator's copy, when a plain file in the same directory starts with the same bytes and reaches
//   our offset (so `compress` without `delaycompress`, or `olddir`, loses that part). Lines the writer
//   appends between the rotator's copy and its truncate are in neither file: copytruncate loses them by
//   design, whoever reads the log. The same holds for a copytruncate while the tailer was stopped.
// - delete and recreate, or a path that does not exist yet: a file found at a followed path that is not
//   already followed is read from 0 (only files present at the very first round start at `startAt`).
// - an unfinished last line is held back until its `\n` comes; a rotated-away file's unfinished line is
//   delivered when the file is let go. Lines longer than maxLineBytes are dropped while they stream past
//   and counted, as in the offline reader (whose splitter this uses).
// - compressed copies (gzip, xz, zstd content, or a compressor's name such as `.gz`) are never followed.

import { open, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { searchCopy } from './copySearch';
import { DirectoryWatchers, discoverFiles, literalDir } from './discovery';
import { HEAD_BYTES, fileKey, hasCompressedName, headMatches, isCompressed, readHead, type FilePosition } from './fileIdentity';
import { FollowedFile, type CopyFinder, type FileStats, type ReadOutcome } from './followedFile';
import { DEFAULT_MAX_LINE_BYTES, checkMaxLineBytes, toLineReadError } from './lineReader';
import { OnceReporter } from './onceReporter';
import { lineStartBefore, planResume, stillIntact, type FoundFile } from './resume';

export { TailPathError } from './discovery';

export type { FilePosition } from './fileIdentity';
export type { FileStats } from './followedFile';

export interface TailerOptions {
  /** Files or glob patterns (`*`, `?`, `[…]` in any segment); relative ones resolve against `cwd`. */
  paths: string[];
  /** A label passed back with every line (e.g. 'access'), so one callback can serve several tailers. */
  source?: string;
  /**
   * Where to start a file found at the first round that has no saved position. Default 'end' without
   * `positions` (a first live start: history is the backfill's job); 'beginning' with them, because a
   * file a checkpoint does not know appeared after it was written (the new file of a rotation).
   */
  startAt?: 'beginning' | 'end';
  /** Milliseconds between rounds when fs.watch says nothing. Default 250. */
  pollMs?: number;
  /** Longest line delivered, in bytes; longer ones are dropped and counted. Default 64 KiB. */
  maxLineBytes?: number;
  /** Where reading stopped before (from a checkpoint); matched to files by identity, then by path. */
  positions?: readonly FilePosition[];
  /** How long a rotated-away or deleted file must stay unchanged before it is let go. Default 5000. */
  rotatedGraceMs?: number;
  /** Most bytes read from one file in one round; a file with more gets another round at once. 4 MiB. */
  maxBytesPerRound?: number;
  /** Use fs.watch to start rounds sooner. Default true; polling alone is always correct. */
  watch?: boolean;
  /** Base for relative paths. Default process.cwd(). */
  cwd?: string;
  /** Called synchronously for each complete non-empty line, in file order. */
  onLine(line: string, source: string, file: string): void;
  /** Lines dropped for being longer than maxLineBytes, after each read that dropped some. */
  onTooLong?(count: number, source: string, file: string): void;
  /**
   * How long to wait after fs.watch reports a change before reading: writes inside it cost one round.
   * Default 100 ms: at 20k lines/s a round then carries ~2000 lines instead of ~200, for a tenth of the
   * per-round system calls, and a line still shows within a fraction of a second.
   */
  watchDelayMs?: number;
  /** Problems that do not stop tailing (unreadable file, onLine threw); each reported once until it clears. */
  onError?(err: Error): void;
  /** Awaited after each round, before the next: where a caller commits a checkpoint. */
  onRound?(): void | Promise<void>;
}

/** An exception thrown by the caller's onLine, passed to onError (tailing goes on). */
export class TailCallbackError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`the line handler failed on a line of ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TailCallbackError';
  }
}


const DEFAULT_POLL_MS = 250;
const DEFAULT_GRACE_MS = 5000;
const DEFAULT_ROUND_BYTES = 4 * 1024 * 1024;
const DEFAULT_WATCH_DELAY_MS = 100;

export class Tailer {
  private readonly patterns: string[];
  private readonly source: string;
  private readonly startAt: 'beginning' | 'end';
  private readonly pollMs: number;
  private readonly maxLineBytes: number;
  private readonly graceMs: number;
  private readonly roundBytes: number;
  private readonly useWatch: boolean;
  private readonly savedPositions: readonly FilePosition[] | undefined;
  private readonly onLine: TailerOptions['onLine'];
  private readonly onError: (err: Error) => void;
  private readonly onRound: TailerOptions['onRound'];
  private readonly onTooLong: TailerOptions['onTooLong'];
  private readonly watchDelayMs: number;

  /** Followed files by identity, in the order they were first opened (older files are read first). */
  private readonly files = new Map<string, FollowedFile>();
  /** Identities seen and not to be followed (compressed copies); forgotten when they stop matching. */
  private readonly ignored = new Set<string>();
  private readonly watchers: DirectoryWatchers;
  private readonly reporter: OnceReporter;
  private readonly scratch = Buffer.allocUnsafe(HEAD_BYTES);
  private resumed = false;
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  private ticking = false;
  private retick = false;
  private behind = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;

  constructor(opts: TailerOptions) {
    if (!Array.isArray(opts.paths) || opts.paths.length === 0) throw new RangeError('Tailer needs at least one path');
    const cwd = opts.cwd ?? process.cwd();
    this.patterns = opts.paths.map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
    this.source = opts.source ?? '';
    this.savedPositions = opts.positions;
    this.startAt = opts.startAt ?? (opts.positions ? 'beginning' : 'end');
    this.pollMs = positive(opts.pollMs, DEFAULT_POLL_MS, 'pollMs');
    this.maxLineBytes = checkMaxLineBytes({ maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES });
    this.graceMs = nonNegative(opts.rotatedGraceMs, DEFAULT_GRACE_MS, 'rotatedGraceMs');
    this.roundBytes = positive(opts.maxBytesPerRound, DEFAULT_ROUND_BYTES, 'maxBytesPerRound');
    this.useWatch = opts.watch ?? true;
    this.onLine = opts.onLine;
    this.onError = opts.onError ?? ((err) => process.stderr.write(`${err.message}\n`));
    this.reporter = new OnceReporter((err) => this.onError(err));
    this.watchers = new DirectoryWatchers(() => this.schedule(this.watchDelayMs));
    this.onRound = opts.onRound;
    this.onTooLong = opts.onTooLong;
    this.watchDelayMs = nonNegative(opts.watchDelayMs, DEFAULT_WATCH_DELAY_MS, 'watchDelayMs');
  }

  /** Starts the poll timer (and fs.watch); the first round runs at once. */
  start(): void {
    if (this.started) throw new Error('Tailer.start called twice');
    if (this.stopped) throw new Error('a stopped Tailer cannot start again');
    this.started = true;
    this.schedule(0);
  }

  /** Stops timers and watchers, waits for the round in progress, and closes the files. Positions stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watchers.closeAll();
    await this.chain.catch(() => undefined);
    for (const f of this.files.values()) await f.close();
  }

  /** Runs one round (after any round in progress). Resolves when its lines were delivered. */
  poll(): Promise<void> {
    const run = () => (this.stopped ? Promise.resolve() : this.round());
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  /**
   * Where each followed file stands: offset = end of the last complete line delivered. Exact at any
   * moment, even inside onLine (the current line counted). Before the first round, the saved positions.
   */
  positions(): FilePosition[] {
    if (!this.resumed) return (this.savedPositions ?? []).map((p) => ({ ...p }));
    return [...this.files.values()].map((f) => f.position());
  }

  stats(): FileStats[] {
    return [...this.files.values()].map((f) => f.stats());
  }

  private schedule(delay: number): void {
    if (this.stopped || !this.started) return;
    const due = performance.now() + delay;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.retick = true;
      return;
    }
    this.ticking = true;
    try {
      await this.poll();
    } catch (err) {
      this.reporter.report('round', err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.ticking = false;
    }
    const delay = this.behind ? 0 : this.retick ? this.watchDelayMs : this.pollMs;
    this.retick = false;
    this.schedule(delay);
  }

  private async round(): Promise<void> {
    const now = performance.now();
    const found = await discoverFiles(this.patterns, this.reporter);
    const first = !this.resumed;
    if (first) await this.resume(found, now);
    for (const f of this.files.values()) {
      const hit = found.get(f.key);
      if (hit) {
        f.path = hit.path;
        f.detachedAt = null;
      } else if (f.detachedAt === null) {
        f.detachedAt = now;
      }
    }
    for (const key of this.ignored) if (!found.has(key)) this.ignored.delete(key);
    // Open every new file before reading any, so positions taken during the round include them all.
    for (const [key, hit] of found) {
      if (this.files.has(key) || this.ignored.has(key)) continue;
      await this.openNew(hit, first ? this.startAt : 'beginning', now);
    }
    // From here positions() describes the files themselves (before, it repeats the saved positions).
    this.resumed = true;
    this.behind = false;
    // In the order opened, so a rotated file is read before the file that replaced it; while a rotated
    // file still has a backlog, files at followed paths wait (a round follows at once), keeping lines of
    // one log in order across a rotation.
    let rotatedBehind = false;
    for (const f of [...this.files.values()]) {
      if (rotatedBehind && f.detachedAt === null) continue;
      const outcome = await this.readFile(f, now);
      if (outcome === 'more' && f.detachedAt !== null) rotatedBehind = true;
    }
    for (const f of [...this.files.values()]) {
      if (f.detachedAt === null || f.readPos < f.size) continue;
      if (now - Math.max(f.detachedAt, f.lastGrowthAt) < this.graceMs) continue;
      await f.finish();
      this.reportTooLong(f);
      this.files.delete(f.key);
    }
    if (this.useWatch && !this.stopped) this.watchers.update(this.watchedDirs());
    if (this.onRound) await this.onRound();
  }

  /** First round with saved positions: reopens each file that still exists where the checkpoint left it. */
  private async resume(found: Map<string, FoundFile>, now: number): Promise<void> {
    if (!this.savedPositions || this.savedPositions.length === 0) return;
    const steps = await planResume(this.savedPositions, found);
    // Files rotated away since are older than any at a followed path: opened first, they are read first.
    steps.sort((a, b) => (a.kind === 'moved' ? 0 : 1) - (b.kind === 'moved' ? 0 : 1));
    for (const step of steps) {
      const p = step.position;
      const path = step.kind === 'found' ? found.get(step.key)!.path : step.path;
      const st = step.kind === 'found' ? found.get(step.key)!.st : step.st;
      const byPath = step.kind === 'found' && step.byPath;
      const intact = async (fh: FileHandle, size: number) =>
        p.offset <= size && (p.head ? await headMatches(fh, p.head, this.scratch) : !byPath || p.offset === 0);
      if (step.kind === 'found' && p.head && !(await stillIntact(path, intact))) {
        // Truncated since the checkpoint (copytruncate while we were down): the rest of what we had not
        // read is in the rotator's copy, if it is still there, plain, in the same directory.
        const print = p.head;
        const copy = await searchCopy(path, fileKey(st.dev, st.ino), p.offset, this.isFollowed, (fh) => headMatches(fh, print, this.scratch));
        if (copy) await this.adopt(copy.fh, copy.path, now, () => Promise.resolve(p.offset));
      }
      await this.openFile(path, fileKey(st.dev, st.ino), now, async (fh, size) => {
        if (await intact(fh, size)) return p.offset;
        // Truncated or replaced since the checkpoint: a file at a known path is read whole; a rotated
        // copy whose content changed is not ours any more.
        return step.kind === 'found' ? 0 : null;
      });
    }
  }

  /** The live copy finder handed to each followed file (see FollowedFile.readNew). */
  private readonly findCopy: CopyFinder = async (file, head, minSize) => {
    const copy = await searchCopy(file.path, file.key, minSize, this.isFollowed, async (fh) => {
      const h = await readHead(fh, this.scratch, head.length);
      return h.length === head.length && h.equals(head);
    });
    return copy?.fh ?? null;
  };

  private readonly isFollowed = (key: string): boolean => this.files.has(key);

  /** The directories that hold followed files or would hold matches: watched to hear of changes early. */
  private watchedDirs(): Set<string> {
    const want = new Set<string>();
    for (const p of this.patterns) want.add(literalDir(p));
    for (const f of this.files.values()) want.add(dirname(f.path));
    return want;
  }

  private async openNew(hit: FoundFile, startAt: 'beginning' | 'end', now: number): Promise<void> {
    if (hasCompressedName(hit.path)) {
      this.ignored.add(fileKey(hit.st.dev, hit.st.ino));
      return;
    }
    await this.openFile(hit.path, fileKey(hit.st.dev, hit.st.ino), now, (fh, size) =>
      startAt === 'beginning' ? Promise.resolve(0) : lineStartBefore(fh, size, this.maxLineBytes),
    );
  }

  /**
   * Opens `path`, checks it is still the file `key` names, and follows it from the offset `startOffset`
   * picks (null: do not follow). Compressed content is remembered and skipped.
   */
  private async openFile(
    path: string,
    key: string,
    now: number,
    startOffset: (fh: FileHandle, size: number) => Promise<number | null>,
  ): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.reporter.report(path, toLineReadError(path, err));
      return;
    }
    await this.adopt(fh, path, now, startOffset, key);
  }

  /** Follows an open file from the offset `startOffset` picks, or closes it (see openFile). */
  private async adopt(
    fh: FileHandle,
    path: string,
    now: number,
    startOffset: (fh: FileHandle, size: number) => Promise<number | null>,
    expectKey?: string,
  ): Promise<void> {
    let keep = false;
    try {
      const st = await fh.stat();
      const key = fileKey(st.dev, st.ino);
      // Replaced between the stat and the open: the next round sees the new file as it is.
      if ((expectKey !== undefined && key !== expectKey) || this.files.has(key)) return;
      const head = await readHead(fh, this.scratch);
      if (isCompressed(head)) {
        this.ignored.add(key);
        return;
      }
      const offset = await startOffset(fh, st.size);
      if (offset === null) return;
      const file: FollowedFile = new FollowedFile({
        path,
        dev: st.dev,
        ino: st.ino,
        fh,
        startOffset: offset,
        size: st.size,
        maxLineBytes: this.maxLineBytes,
        onLine: (line) => this.deliver(line, file),
        findCopy: this.findCopy,
        now,
      });
      // startOffset may have used the scratch buffer; read the head again for the file to remember.
      file.setHead(await readHead(fh, this.scratch));
      this.files.set(key, file);
      keep = true;
    } catch (err) {
      this.reporter.report(path, toLineReadError(path, err));
    } finally {
      if (!keep) await fh.close().catch(() => undefined);
    }
  }

  private deliver(line: string, file: FollowedFile): void {
    try {
      this.onLine(line, this.source, file.path);
    } catch (err) {
      this.reporter.report(`callback:${file.path}`, new TailCallbackError(file.path, err));
    }
  }

  /** Reads what is new in one file; null when reading failed (reported, tried again next round). */
  private async readFile(f: FollowedFile, now: number): Promise<ReadOutcome | null> {
    try {
      const outcome = await f.readNew(this.roundBytes, this.scratch, now);
      this.reportTooLong(f);
      if (outcome === 'more') this.behind = true;
      if (outcome === 'compressed') {
        this.ignored.add(f.key);
        this.files.delete(f.key);
        await f.close();
      }
      this.reporter.clear(`read:${f.path}`);
      return outcome;
    } catch (err) {
      this.reporter.report(`read:${f.path}`, toLineReadError(f.path, err));
      return null;
    }
  }

  /** Hands on the count of lines the file's splitter dropped since the last report. */
  private reportTooLong(f: FollowedFile): void {
    const n = f.splitter.tooLong - f.tooLongReported;
    if (n <= 0) return;
    f.tooLongReported = f.splitter.tooLong;
    try {
      this.onTooLong?.(n, this.source, f.path);
    } catch (err) {
      this.reporter.report(`callback:${f.path}`, new TailCallbackError(f.path, err));
    }
  }

}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function nonNegative(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be zero or more, got ${v}`);
  return v;
}
