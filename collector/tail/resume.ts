// Matches saved positions back to files when the tailer starts again. By device and inode first, so a
// file rotated to another name since the checkpoint is found (in its old directory) and finished; then by
// path, for the same content under new numbers (a device renumbered at boot). A match only counts when
// the file still starts with the bytes it started with and is not shorter than the saved offset;
// otherwise the file was truncated or replaced and is read from 0. Also: where a first start "at the end"
// begins (never mid-line).

import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileKey, type FilePosition } from './fileIdentity';

/** A regular file a pattern matched this round. */
export interface FoundFile {
  path: string;
  st: Stats;
}

/** What to do with one saved position. */
export type ResumeStep =
  /** This found file (matched by identity or by path) continues at `position.offset`, if it verifies. */
  | { kind: 'found'; key: string; position: FilePosition; byPath: boolean }
  /** Rotated away since: not at any followed path, but still in its directory under another name. */
  | { kind: 'moved'; path: string; st: Stats; position: FilePosition };

/**
 * Plans the resumption of saved positions against the files found at start (keyed by fileKey). Found
 * files no step names have no saved position. The caller verifies each step's content (head and size).
 */
export async function planResume(positions: readonly FilePosition[], found: ReadonlyMap<string, FoundFile>): Promise<ResumeStep[]> {
  const steps: ResumeStep[] = [];
  const claimed = new Set<string>();
  const unmatched: FilePosition[] = [];
  for (const p of positions) {
    const key = fileKey(p.dev, p.ino);
    if (claimed.has(key)) continue;
    if (found.has(key)) {
      claimed.add(key);
      steps.push({ kind: 'found', key, position: p, byPath: false });
    } else {
      unmatched.push(p);
    }
  }
  const listings = new Map<string, Map<string, FoundFile>>();
  for (const p of unmatched) {
    const key = fileKey(p.dev, p.ino);
    if (claimed.has(key)) continue;
    const dir = dirname(p.path);
    let byKey = listings.get(dir);
    if (!byKey) {
      byKey = await listDirectory(dir);
      listings.set(dir, byKey);
    }
    const moved = byKey.get(key);
    if (moved) {
      claimed.add(key);
      steps.push({ kind: 'moved', path: moved.path, st: moved.st, position: p });
      continue;
    }
    for (const [k, f] of found) {
      if (f.path === p.path && !claimed.has(k)) {
        claimed.add(k);
        steps.push({ kind: 'found', key: k, position: p, byPath: true });
        break;
      }
    }
  }
  return steps;
}

/** The regular files of a directory by identity (empty when it cannot be listed). */
async function listDirectory(dir: string): Promise<Map<string, FoundFile>> {
  const out = new Map<string, FoundFile>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (st.isFile()) out.set(fileKey(st.dev, st.ino), { path, st });
    } catch {
      // Gone between the listing and the stat: not the file sought.
    }
  }
  return out;
}

/** Whether the file at `path` passes `check` (false when it cannot be opened). */
export async function stillIntact(path: string, check: (fh: FileHandle, size: number) => Promise<boolean>): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return false;
  try {
    return await check(fh, (await fh.stat()).size);
  } catch {
    return false;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Where the line being written at `size` starts, so starting "at the end" of a file never begins
 * mid-line. Looks back at most one longest line; a line longer than that is dropped anyway, and
 * starting inside it lets the splitter drop it and count it.
 */
export async function lineStartBefore(fh: FileHandle, size: number, maxLineBytes: number): Promise<number> {
  const window = Math.min(size, maxLineBytes + 2);
  if (window === 0) return 0;
  const buf = Buffer.allocUnsafe(window);
  let got = 0;
  while (got < window) {
    const { bytesRead } = await fh.read(buf, got, window - got, size - window + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  const nl = buf.subarray(0, got).lastIndexOf(10);
  if (nl >= 0) return size - window + nl + 1;
  return size - window;
}
