// Reads a log file line by line at the speed the parsers need: big reads into one reusable buffer, lines
// cut at `\n` on the bytes, each decoded once. Rotated logs (`access.log.2.gz`) are gunzipped on the fly,
// told by their magic bytes rather than their name. A line longer than the limit is dropped while it
// streams past, so one runaway line cannot make the reader hold megabytes.

import { isAscii } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export interface ReadLinesOptions {
  /** Longest line delivered, in bytes without the line ending. Default 64 KiB. */
  maxLineBytes?: number;
}

export interface ReadLinesResult {
  /** Lines delivered to the callback (empty lines are skipped and not counted). */
  lines: number;
  /** Lines dropped for being longer than maxLineBytes. */
  tooLong: number;
  /** Bytes of log text read (after gunzip for a compressed file). */
  bytes: number;
}

/** A file that could not be read; the message is one line naming the path and the reason. */
export class LineReadError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'LineReadError';
  }
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** The path that means standard input, as in most Unix tools. */
export const STDIN_PATH = '-';
const MIN_BUFFER_BYTES = 1 << 20;

/**
 * Buffer's own decoders, which `toString` dispatches to after checking its arguments; called directly
 * they save that per line. Latin-1 decoding is the same as UTF-8 for ASCII bytes, and faster.
 */
interface BufferDecoders {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Marks an exception thrown by the caller's callback, so it is passed on untouched. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Cuts bytes into lines inside one fixed buffer; the unfinished tail moves to the front between fills.
 * Shared with the live tailer (collector/tail), which reads into `buf` at `len` and calls `commit`.
 */
export class LineSplitter {
  readonly buf: Buffer;
  /** Bytes held in `buf` (the unfinished line plus what was just added). */
  len = 0;
  lines = 0;
  tooLong = 0;
  bytes = 0;
  /**
   * Bytes of input up to and including the last line ending handled (delivered, skipped as empty or
   * dropped as too long); all of them after `finish`. Updated before each line is delivered, so a reader
   * of it inside the callback sees the current line counted. The tailer's resume offset.
   */
  consumed = 0;
  /** Set when the caller's callback threw (streams may wrap the exception on its way out). */
  failure: CallbackFailure | null = null;
  /** Inside a line already known to be too long: drop bytes until its `\n`. */
  private skipping = false;
  /** The bytes being cut are all ASCII (checked once per fill), so the faster decoder gives the same text. */
  private ascii = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    bufferBytes = MIN_BUFFER_BYTES,
  ) {
    // Room for a longest line (plus `\r`) held back, and as much again to read into.
    this.buf = Buffer.allocUnsafe(Math.max(bufferBytes, 2 * (maxLineBytes + 2)));
  }

  /** `n` bytes were written into `buf` at `len`. */
  commit(n: number): void {
    this.len += n;
    this.bytes += n;
    this.drain();
  }

  /** Copies a chunk in, in as many pieces as the free space needs. */
  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = chunk.copy(this.buf, this.len, off);
      off += n;
      this.commit(n);
    }
  }

  /** Delivers the last line when the input did not end with `\n`. */
  finish(): void {
    this.consumed = this.bytes;
    if (this.skipping) {
      this.skipping = false;
      this.tooLong++;
    } else if (this.len > 0) {
      this.ascii = isAscii(this.buf.subarray(0, this.len));
      this.deliver(0, this.len);
    }
    this.len = 0;
  }

  private deliver(start: number, end: number): void {
    const buf = this.buf;
    if (end > start && buf[end - 1] === 13) end--;
    if (end - start > this.maxLineBytes) {
      this.tooLong++;
    } else if (end > start) {
      this.lines++;
      try {
        const decoders = buf as unknown as BufferDecoders;
        this.onLine(this.ascii ? decoders.latin1Slice(start, end) : decoders.utf8Slice(start, end));
      } catch (error) {
        this.failure = new CallbackFailure(error);
        throw this.failure;
      }
    }
  }

  private drain(): void {
    const buf = this.buf;
    const end = this.len;
    // A view bounded at `len`, so the search never runs into stale bytes of an earlier fill.
    const view = buf.subarray(0, end);
    this.ascii = isAscii(view);
    const origin = this.bytes - end;
    let start = 0;
    for (;;) {
      const nl = view.indexOf(10, start);
      if (nl < 0) break;
      this.consumed = origin + nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.tooLong++;
      } else {
        this.deliver(start, nl);
      }
      start = nl + 1;
    }
    const rest = end - start;
    if (this.skipping || rest > this.maxLineBytes + 1) {
      // Too long already (the +1 leaves room for a `\r`): forget the bytes, keep looking for the `\n`.
      this.skipping = true;
      this.len = 0;
      return;
    }
    if (start > 0 && rest > 0) buf.copy(buf, 0, start, end);
    this.len = rest;
  }
}

/** The LineReadError for a failure reading `path` (errno codes and zlib errors in plain words). */
export function toLineReadError(path: string, err: unknown): LineReadError {
  const { code, reason } = errorReason(err);
  return new LineReadError(path, code, reason);
}

function errorReason(err: unknown): { code: string; reason: string } {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'EUNKNOWN';
  switch (code) {
    case 'ENOENT':
      return { code, reason: 'no such file or directory' };
    case 'EISDIR':
      return { code, reason: 'is a directory, not a file' };
    case 'EACCES':
    case 'EPERM':
      return { code, reason: 'permission denied' };
    case 'ENOTDIR':
      return { code, reason: 'a part of the path is not a directory' };
    default: {
      const text = err instanceof Error ? err.message : String(err);
      const oneLine = text.replace(/\s+/g, ' ').trim();
      if (code.startsWith('Z_')) return { code, reason: `corrupt or truncated gzip data (${oneLine})` };
      return { code, reason: oneLine || code };
    }
  }
}

async function readPlain(fh: FileHandle, splitter: LineSplitter, firstBytes: number): Promise<void> {
  splitter.commit(firstBytes);
  // Positioned reads, so a handle whose file position was moved elsewhere is still read from the start.
  let position = firstBytes;
  for (;;) {
    const { bytesRead } = await fh.read(splitter.buf, splitter.len, splitter.buf.length - splitter.len, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    splitter.commit(bytesRead);
  }
}

async function readGzip(fh: FileHandle, splitter: LineSplitter): Promise<void> {
  const source = fh.createReadStream({ start: 0, autoClose: false, highWaterMark: MIN_BUFFER_BYTES });
  // Concatenated gzip members (what `cat a.gz b.gz` or some rotators write) are all decompressed.
  await pipeline(source, createGunzip({ chunkSize: 256 * 1024 }), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) splitter.push(chunk);
  });
}

/**
 * Calls `onLine` for every non-empty line of the file at `path` (`\n` or `\r\n` endings, UTF-8), gunzipping
 * it first when it starts with the gzip magic bytes. `-` is standard input; pipes, FIFOs and `/dev/stdin`
 * (what `<(zcat …)` and `zcat … |` hand over) are read as streams, since they cannot be read at an offset.
 * Rejects with a LineReadError when the input cannot be read; an exception thrown by `onLine` is passed on
 * as it is.
 */
export async function readLines(
  path: string,
  onLine: (line: string) => void,
  opts: ReadLinesOptions = {},
): Promise<ReadLinesResult> {
  checkMaxLineBytes(opts);
  if (path === STDIN_PATH) {
    if (process.stdin.isTTY) throw new LineReadError('standard input', 'ETTY', 'it is a terminal; pipe a log into it (zcat access.log.*.gz | …)');
    return readLinesFromStream(process.stdin, 'standard input', onLine, opts);
  }
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw toLineReadError(path, err);
  }
  try {
    const st = await fh.stat().catch((err: unknown) => {
      throw toLineReadError(path, err);
    });
    if (!st.isFile()) return await readLinesFromStream(fh.createReadStream({ autoClose: false }), path, onLine, opts);
    return await readLinesFromHandle(fh, path, onLine, opts);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * `readLines` on a stream (a pipe, standard input): the first chunk decides between plain text and gzip,
 * then the chunks flow through the splitter in order.
 */
export async function readLinesFromStream(
  stream: Readable,
  name: string,
  onLine: (line: string) => void,
  opts: ReadLinesOptions = {},
): Promise<ReadLinesResult> {
  const splitter = new LineSplitter(checkMaxLineBytes(opts), onLine);
  try {
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await chunks.next();
    if (!first.done) {
      const head = Buffer.from(first.value);
      if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
        const rest = async function* () {
          yield head;
          for (let c = await chunks.next(); !c.done; c = await chunks.next()) yield c.value;
        };
        await pipeline(Readable.from(rest()), createGunzip({ chunkSize: 256 * 1024 }), async (out: AsyncIterable<Buffer>) => {
          for await (const chunk of out) splitter.push(chunk);
        });
      } else {
        splitter.push(head);
        for (let c = await chunks.next(); !c.done; c = await chunks.next()) splitter.push(c.value);
      }
    }
    splitter.finish();
  } catch (err) {
    if (splitter.failure !== null) throw splitter.failure.error;
    throw toLineReadError(name, err);
  }
  return { lines: splitter.lines, tooLong: splitter.tooLong, bytes: splitter.bytes };
}

/** Validated maxLineBytes; a RangeError when it is not a positive number. */
export function checkMaxLineBytes(opts: ReadLinesOptions): number {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(maxLineBytes >= 1) || !Number.isFinite(maxLineBytes)) {
    throw new RangeError(`maxLineBytes must be a positive number, got ${maxLineBytes}`);
  }
  return Math.floor(maxLineBytes);
}

/**
 * `readLines` on a file already open (read from its start; the handle is left open). Lets a caller pin a
 * file by opening it early, so a rename or unlink before the read does not change what is read; `path`
 * only names it in errors.
 */
export async function readLinesFromHandle(
  fh: FileHandle,
  path: string,
  onLine: (line: string) => void,
  opts: ReadLinesOptions = {},
): Promise<ReadLinesResult> {
  const splitter = new LineSplitter(checkMaxLineBytes(opts), onLine);
  try {
    // The first read is not handed to the splitter until the magic bytes have been looked at.
    const { bytesRead } = await fh.read(splitter.buf, 0, splitter.buf.length, 0);
    if (bytesRead >= 2 && splitter.buf[0] === 0x1f && splitter.buf[1] === 0x8b) {
      await readGzip(fh, splitter);
    } else {
      await readPlain(fh, splitter, bytesRead);
    }
    splitter.finish();
  } catch (err) {
    if (splitter.failure !== null) throw splitter.failure.error;
    throw toLineReadError(path, err);
  }
  return { lines: splitter.lines, tooLong: splitter.tooLong, bytes: splitter.bytes };
}
