// One open file the tailer reads: its handle (held open, so a rotated or deleted file can still be read to
// its end), the shared line splitter from the offline reader, and the byte arithmetic between them.

import type { FileHandle } from 'node:fs/promises';
import { LineSplitter } from './lineReader';
import { HEAD_BYTES, fileKey, headPrint, isCompressed, readHead, type FilePosition } from './fileIdentity';

/** Read buffer per file: big reads keep the delivery rate up; the splitter doubles it for long limits. */
const TAIL_BUFFER_BYTES = 256 * 1024;

export interface FileStats {
  path: string;
  dev: number;
  ino: number;
  /** End of the last complete line delivered (the position a checkpoint stores). */
  offset: number;
  /** File size when last looked at. */
  size: number;
  /** Bytes written and not yet delivered: size - offset. */
  lag: number;
  lines: number;
  tooLong: number;
  /** Times the file was found truncated (copytruncate) and read again from 0. */
  truncations: number;
  /** Of those, times the lines not yet read before the truncation were read from the rotator's copy. */
  fromCopy: number;
  /** Unfinished lines thrown away because the file was truncated under them. */
  cutPartial: number;
  /** No longer at any followed path (rotated away or deleted): read to its end, then let go. */
  rotated: boolean;
}

export type ReadOutcome = 'done' | 'more' | 'compressed';

/**
 * Finds the rotator's copy of a file that was just truncated (copytruncate): a plain file, not one being
 * followed, starting with `head` and at least `minSize` long. Null when there is none.
 */
export type CopyFinder = (file: FollowedFile, head: Buffer, minSize: number) => Promise<FileHandle | null>;

export interface FollowedFileInit {
  path: string;
  dev: number;
  ino: number;
  fh: FileHandle;
  startOffset: number;
  size: number;
  maxLineBytes: number;
  onLine: (line: string) => void;
  findCopy?: CopyFinder;
  now: number;
}

export class FollowedFile {
  readonly key: string;
  readonly splitter: LineSplitter;
  /** File offset of the splitter's byte 0 (the splitter counts from where it started). */
  private origin: number;
  size: number;
  /** First bytes of the file as far as known, up to HEAD_BYTES (a copy, not a view of a shared buffer). */
  private head: Buffer = Buffer.alloc(0);
  private print: string = headPrint(this.head);
  /** When it stopped being at a followed path, by the tailer's clock; null while it is. */
  detachedAt: number | null = null;
  lastGrowthAt: number;
  truncations = 0;
  /** Of the splitter's dropped lines, how many the tailer has passed on. */
  tooLongReported = 0;
  /** Truncations after which the lines not yet read were found in the rotator's copy and read there. */
  fromCopy = 0;
  cutPartial = 0;
  closed = false;
  path: string;
  readonly dev: number;
  readonly ino: number;
  readonly fh: FileHandle;
  private readonly findCopy: CopyFinder | undefined;

  constructor(init: FollowedFileInit) {
    this.path = init.path;
    this.dev = init.dev;
    this.ino = init.ino;
    this.fh = init.fh;
    this.findCopy = init.findCopy;
    this.key = fileKey(init.dev, init.ino);
    this.origin = init.startOffset;
    this.size = init.size;
    this.lastGrowthAt = init.now;
    this.splitter = new LineSplitter(init.maxLineBytes, init.onLine, TAIL_BUFFER_BYTES);
  }

  /** End of the last complete line delivered or skipped. */
  get offset(): number {
    return this.origin + this.splitter.consumed;
  }

  /** Where the next read starts (past the unfinished line held in the splitter). */
  get readPos(): number {
    return this.origin + this.splitter.bytes;
  }

  /**
   * Reads what was appended since the last call, at most `maxBytes`, delivering complete lines. A file
   * now shorter than what was read, or whose first bytes changed, was truncated (and maybe written again
   * past our offset before we looked): what it held past our offset is read from the rotator's copy when
   * one is found, then the file is read again from 0. Returns 'more' when bytes were left for the next
   * round, 'compressed' when the file turned out to be a compressed copy (nothing was read).
   */
  async readNew(maxBytes: number, scratch: Buffer, now: number): Promise<ReadOutcome> {
    const st = await this.fh.stat();
    this.size = st.size;
    let truncated = st.size < this.readPos;
    if (!truncated && (st.size > this.readPos || this.head.length < Math.min(st.size, HEAD_BYTES))) {
      const same = await this.checkHead(scratch);
      if (same === 'compressed') return 'compressed';
      truncated = !same;
    }
    if (truncated) {
      await this.readRestFromCopy();
      this.restartAtZero();
      if ((await this.checkHead(scratch)) === 'compressed') return 'compressed';
    }
    const got = await this.readUpTo(this.fh, Math.min(st.size, this.readPos + maxBytes));
    if (got) this.lastGrowthAt = now;
    return this.readPos < st.size ? 'more' : 'done';
  }

  /** Reads from `fh` at readPos up to `end` through the splitter; true when any byte came. */
  private async readUpTo(fh: FileHandle, end: number): Promise<boolean> {
    const sp = this.splitter;
    let got = false;
    while (this.readPos < end) {
      const want = Math.min(sp.buf.length - sp.len, end - this.readPos);
      const { bytesRead } = await fh.read(sp.buf, sp.len, want, this.readPos);
      if (bytesRead === 0) break;
      got = true;
      sp.commit(bytesRead);
    }
    return got;
  }

  /**
   * copytruncate copies the file, then truncates it: the copy holds, at the same offsets, whatever was
   * appended between our last read and the copy. Reading it from our offset to its end loses nothing
   * that any reader could still get (what came between the copy and the truncate is in neither file).
   */
  private async readRestFromCopy(): Promise<void> {
    if (!this.findCopy || this.head.length === 0) return;
    const copy = await this.findCopy(this, this.head, this.readPos);
    if (!copy) return;
    try {
      const { size } = await copy.stat();
      await this.readUpTo(copy, size);
      this.fromCopy++;
    } catch {
      // The copy went away or failed mid-read: what it held past here is lost, as without a copy.
    } finally {
      await copy.close().catch(() => undefined);
    }
  }

  /** Compares the file's first bytes with those seen before, learning more of them as the file grows. */
  private async checkHead(scratch: Buffer): Promise<boolean | 'compressed'> {
    const now = await readHead(this.fh, scratch);
    const known = this.head.length;
    if (now.length < known || !now.subarray(0, known).equals(this.head)) return false;
    if (isCompressed(now)) return 'compressed';
    if (now.length > known) {
      this.head = Buffer.from(now);
      this.print = headPrint(this.head);
    }
    return true;
  }

  /** Seeds the head from bytes already read (and checked) by whoever opened the file. */
  setHead(head: Buffer): void {
    this.head = Buffer.from(head.subarray(0, HEAD_BYTES));
    this.print = headPrint(this.head);
  }

  private restartAtZero(): void {
    const sp = this.splitter;
    // The unfinished line held back was cut by the truncation; its end, if it ever came, went elsewhere.
    if (sp.len > 0) this.cutPartial++;
    sp.len = 0;
    sp.finish();
    this.origin = -sp.bytes;
    this.head = Buffer.alloc(0);
    this.print = headPrint(this.head);
    this.truncations++;
  }

  /** Delivers the unfinished last line of a file nobody will write again, and closes it. */
  async finish(): Promise<void> {
    this.splitter.finish();
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
  }

  position(): FilePosition {
    return { path: this.path, dev: this.dev, ino: this.ino, offset: this.offset, head: this.print };
  }

  stats(): FileStats {
    const offset = this.offset;
    return {
      path: this.path,
      dev: this.dev,
      ino: this.ino,
      offset,
      size: this.size,
      lag: Math.max(0, this.size - offset),
      lines: this.splitter.lines,
      tooLong: this.splitter.tooLong,
      truncations: this.truncations,
      fromCopy: this.fromCopy,
      cutPartial: this.cutPartial,
      rotated: this.detachedAt !== null,
    };
  }
}
