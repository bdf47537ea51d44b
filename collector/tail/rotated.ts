// Finds the rotated copies of a log file, oldest first. logrotate names them `access.log.1`,
// `access.log.2.gz` … (a bigger number is older), or with `dateext` `access.log-20261120[.gz]` (a bigger
// date is newer); files of the same rank are ordered by modification time.

import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface RotatedFile {
  path: string;
  st: Stats;
  /** `numbered` (`.N`): bigger is older; `dated` (`-YYYYMMDD…`): bigger is newer. */
  kind: 'numbered' | 'dated';
  rank: number;
  /** The name ends in a compressor's suffix. */
  compressedName: boolean;
}

/** Suffixes rotators add, after the live file's name. Compressed with something other than gzip too. */
const NUMBERED = /^\.(\d{1,6})(\.(?:gz|bz2|xz|zst))?$/;
const DATED = /^-(\d{8,14})(\.(?:gz|bz2|xz|zst))?$/;

/** The rotated copies of `livePath` in its directory, oldest first (regular files only). */
export async function rotatedFiles(livePath: string): Promise<RotatedFile[]> {
  const dir = dirname(livePath);
  const base = basename(livePath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const numbered: RotatedFile[] = [];
  const dated: RotatedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(base) || name === base) continue;
    const suffix = name.slice(base.length);
    const m = NUMBERED.exec(suffix) ?? DATED.exec(suffix);
    if (!m) continue;
    const path = join(dir, name);
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    const kind = suffix[0] === '.' ? 'numbered' : 'dated';
    const file: RotatedFile = { path, st, kind, rank: Number(m[1]), compressedName: m[2] !== undefined };
    (kind === 'numbered' ? numbered : dated).push(file);
  }
  numbered.sort((a, b) => b.rank - a.rank || a.st.mtimeMs - b.st.mtimeMs);
  dated.sort((a, b) => a.rank - b.rank || a.st.mtimeMs - b.st.mtimeMs);
  return mergeByMtime(numbered, dated);
}

/** Merges two lists each already oldest first, taking the older head each time (both schemes in one dir). */
function mergeByMtime(a: RotatedFile[], b: RotatedFile[]): RotatedFile[] {
  const out: RotatedFile[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i].st.mtimeMs <= b[j].st.mtimeMs ? a[i++] : b[j++]);
  return out.concat(a.slice(i), b.slice(j));
}
