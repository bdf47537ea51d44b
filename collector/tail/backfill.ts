// Reads the history a live tail does not: the rotated copies of each followed log (`access.log.1`,
// `access.log.2.gz` …), oldest first, gzip read transparently by the offline reader. The live file itself
// is never read here; that is the tailer's.
//
// How `watch` combines the two, so that no line is read twice or missed:
// - With a checkpoint: no backfill. Tailer({ positions: checkpoint.positions }) resumes, and finishes a
//   file rotated since the checkpoint by its identity.
// - Without one: `const b = await backfill(paths, onLine)`, then
//   `new Tailer({ paths, positions: b.handoff, startAt: 'beginning' })`. `handoff` names each live file
//   as it was when the backfill listed the directory, at offset 0: if a rotation happens while the backfill
//   runs, the tailer still finds that file under its new name (by identity) and reads it whole, then the
//   new file at the path. `handoff` also holds the newest plain rotated copy at the offset where the
//   backfill stopped, since its writer may still append to it until it reopens (nginx until USR1). The
//   rotated files were opened at listing time, so renames and deletes during the backfill change nothing
//   either; a copy compressed during the backfill is a new file neither reads.
// Patterns should name live files only (`access.log`, `*.access.log`), not their rotated copies.

import { open, stat, type FileHandle } from 'node:fs/promises';
import { LineReadError, readLinesFromHandle, toLineReadError } from './lineReader';
import { fileKey, isCompressed, readHead, type FilePosition } from './fileIdentity';
import { expandPattern, hasMagic } from './glob';
import { ProgressBar, type ProgressStream } from './progress';
import { rotatedFiles, type RotatedFile } from './rotated';

export interface BackfillOptions {
  /** A progress bar: on stderr when it is a terminal (the default), on the given stream when that is one, or none. */
  progress?: boolean | ProgressStream;
  maxLineBytes?: number;
  /** Base for relative paths. Default process.cwd(). */
  cwd?: string;
}

export interface BackfillFileResult {
  path: string;
  lines: number;
  tooLong: number;
  /** Log text read (after gunzip). */
  bytes: number;
  gzip: boolean;
  /** Why reading stopped early (a truncated gzip file, an I/O error); lines before it were delivered. */
  error?: string;
}

export interface BackfillResult {
  /** The rotated files read, in the order read (oldest first for each followed path). */
  files: BackfillFileResult[];
  /** Rotated files not read, with the reason (compressed in a format the reader does not know). */
  skipped: Array<{ path: string; reason: string }>;
  lines: number;
  tooLong: number;
  bytes: number;
  /**
   * The positions to start the tailer with (see the file comment): the live files as listed, at 0, and the
   * newest plain rotated copy of each, where the backfill stopped reading it.
   */
  handoff: FilePosition[];
}

interface Pinned {
  file: RotatedFile;
  fh: FileHandle;
  dev: number;
  ino: number;
  gzip: boolean;
  /** Expected log text bytes, for the progress bar. */
  expected: number;
}

/** Reads the rotated copies of the files `paths` (files or globs) name; see the file comment. */
export async function backfill(
  paths: string[],
  onLine: (line: string, file: string) => void,
  opts: BackfillOptions = {},
): Promise<BackfillResult> {
  const cwd = opts.cwd ?? process.cwd();
  const live = new Map<string, FilePosition>();
  const livePaths: string[] = [];
  for (const pattern of paths) {
    for (const path of await expandPattern(pattern, cwd)) {
      const st = await stat(path).catch(() => null);
      // A plain path with no file now may still have rotated copies; a glob only names what exists.
      if (st === null && !hasMagic(pattern)) livePaths.push(path);
      if (st === null || !st.isFile()) continue;
      const key = fileKey(st.dev, st.ino);
      if (live.has(key)) continue;
      live.set(key, { path, dev: st.dev, ino: st.ino, offset: 0 });
      livePaths.push(path);
    }
  }

  const result: BackfillResult = { files: [], skipped: [], lines: 0, tooLong: 0, bytes: 0, handoff: [...live.values()] };
  const pinned: Pinned[] = [];
  const seen = new Set<string>(live.keys());
  try {
    const newest = new Set<Pinned>();
    for (const livePath of livePaths) {
      let last: Pinned | null = null;
      for (const file of await rotatedFiles(livePath)) {
        const p = await pin(file, seen, result);
        if (p) pinned.push(p);
        if (p) last = p;
      }
      if (last && !last.gzip) newest.add(last);
    }
    const total = pinned.reduce((n, p) => n + p.expected, 0);
    const bar = new ProgressBar(progressStream(opts.progress), total);
    let doneBytes = 0;
    for (const p of pinned) {
      // Bytes of the current file as the lines pass (approximate: the exact count comes at its end).
      let fileBytes = 0;
      let fileLines = 0;
      const path = p.file.path;
      const each = (line: string) => {
        fileBytes += line.length + 1;
        fileLines++;
        onLine(line, path);
        if ((fileLines & 1023) === 0) bar.update(doneBytes + Math.min(fileBytes, p.expected), result.lines + fileLines, path);
      };
      const r = await readPinned(p, each, opts);
      // After a read error the reader's own counts are lost; the lines the callback saw were delivered.
      if (r.error !== undefined) r.lines = fileLines;
      result.files.push(r);
      // The newest rotated copy may still be written until its writer reopens (nginx until USR1): the
      // tailer goes on from where this read stopped. Older copies are finished.
      if (newest.has(p) && r.error === undefined) {
        result.handoff.push({ path, dev: p.dev, ino: p.ino, offset: r.bytes });
      }
      result.lines += r.lines;
      result.tooLong += r.tooLong;
      result.bytes += r.bytes;
      doneBytes += p.expected;
      bar.update(doneBytes, result.lines, path, true);
    }
    bar.done(doneBytes, result.lines, 'done');
  } finally {
    for (const p of pinned) await p.fh.close().catch(() => undefined);
  }
  return result;
}

/** Opens a rotated file now, so later renames or deletes do not change what is read. */
async function pin(file: RotatedFile, seen: Set<string>, result: BackfillResult): Promise<Pinned | null> {
  let fh: FileHandle;
  try {
    fh = await open(file.path, 'r');
  } catch (err) {
    result.skipped.push({ path: file.path, reason: toLineReadError(file.path, err).message });
    return null;
  }
  try {
    const st = await fh.stat();
    const key = fileKey(st.dev, st.ino);
    if (seen.has(key)) return null;
    seen.add(key);
    const head = await readHead(fh, Buffer.alloc(8), 8);
    const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gzip && (isCompressed(head) || (file.compressedName && !file.path.endsWith('.gz')))) {
      result.skipped.push({ path: file.path, reason: 'compressed in a format other than gzip' });
      await fh.close();
      return null;
    }
    const expected = gzip ? await gzipTextSize(fh, st.size) : st.size;
    return { file, fh, dev: st.dev, ino: st.ino, gzip, expected };
  } catch (err) {
    await fh.close().catch(() => undefined);
    result.skipped.push({ path: file.path, reason: toLineReadError(file.path, err).message });
    return null;
  }
}

async function readPinned(p: Pinned, each: (line: string) => void, opts: BackfillOptions): Promise<BackfillFileResult> {
  const out: BackfillFileResult = { path: p.file.path, lines: 0, tooLong: 0, bytes: 0, gzip: p.gzip };
  try {
    const r = await readLinesFromHandle(p.fh, p.file.path, each, { maxLineBytes: opts.maxLineBytes });
    out.lines = r.lines;
    out.tooLong = r.tooLong;
    out.bytes = r.bytes;
  } catch (err) {
    if (!(err instanceof LineReadError)) throw err;
    out.error = err.message;
  }
  return out;
}

/**
 * The uncompressed size a gzip file records in its last four bytes (modulo 4 GiB, and only the last
 * member's); good enough for a progress bar, replaced by the compressed size when it is implausible.
 */
async function gzipTextSize(fh: FileHandle, size: number): Promise<number> {
  if (size < 18) return size;
  const buf = Buffer.alloc(4);
  const { bytesRead } = await fh.read(buf, 0, 4, size - 4);
  const isize = bytesRead === 4 ? buf.readUInt32LE(0) : 0;
  return isize >= size ? isize : size;
}

function progressStream(opt: BackfillOptions['progress']): ProgressStream | null {
  if (opt === false) return null;
  if (opt === undefined || opt === true) return process.stderr;
  return opt;
}
