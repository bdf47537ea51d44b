// How the tailer tells files apart. A path is only a name: rotation moves a file to another name and puts
// a new file at the old one. The device and inode numbers name the file itself while it exists (the tailer
// holds it open, so its inode cannot be reused meanwhile); the first bytes of its content tell a file that
// was truncated and written again, or an inode number reused after a delete, from the file last seen.

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Where reading of one file stands: the end of the last complete line delivered from it. */
export interface FilePosition {
  /** The file's name when the position was taken (after a rotation, possibly its new name). */
  path: string;
  dev: number;
  ino: number;
  /** Byte offset just past the last line ending delivered (or skipped); reading resumes here. */
  offset: number;
  /** `bytes:hash` of the file's first bytes (see `headPrint`); absent in positions made by hand. */
  head?: string;
}

/** How much of a file's start is compared to know it is still the same content. */
export const HEAD_BYTES = 1024;

/** A map key for a file: device and inode. */
export function fileKey(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}

/** `length:hash` of a file's first bytes, stored in positions instead of the bytes themselves. */
export function headPrint(head: Buffer): string {
  return `${head.length}:${createHash('sha256').update(head).digest('hex').slice(0, 32)}`;
}

/** The byte count a head print covers, or null when the text is not one. */
export function headPrintBytes(print: string): number | null {
  const m = /^(\d{1,7}):[0-9a-f]{32}$/.exec(print);
  return m ? Number(m[1]) : null;
}

/** Reads up to `max` bytes from the start of the file into `scratch` and returns the bytes read (a view). */
export async function readHead(fh: FileHandle, scratch: Buffer, max = HEAD_BYTES): Promise<Buffer> {
  const want = Math.min(max, scratch.length);
  let got = 0;
  while (got < want) {
    const { bytesRead } = await fh.read(scratch, got, want - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return scratch.subarray(0, got);
}

/** Whether a file (open as `fh`) still starts with the bytes a head print was made from. */
export async function headMatches(fh: FileHandle, print: string, scratch: Buffer): Promise<boolean> {
  const n = headPrintBytes(print);
  if (n === null) return false;
  const head = await readHead(fh, scratch, n);
  return head.length === n && headPrint(head) === print;
}

/** Compressed content (gzip, xz, zstd): a rotated copy, never appended to, not a log to follow. */
export function isCompressed(head: Buffer): boolean {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.length >= 6 && head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return true;
  return head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528;
}

/** Names rotators give compressed copies; such a file may still be empty while its compressor starts. */
export function hasCompressedName(path: string): boolean {
  return /\.(gz|bz2|xz|zst|lz4|Z)$/.test(path);
}
