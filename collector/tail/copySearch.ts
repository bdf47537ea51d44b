// After a copytruncate, the lines the tailer had not read yet are in the rotator's copy, if that copy is
// still a plain file in the same directory. This finds it by content, not by name: the first bytes must
// match what the followed file began with, and it must reach the offset the tailer had read to.
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileKey, hasCompressedName } from './fileIdentity';

/**
 * Looks in the directory of `path` for the rotator's copy of it: a plain regular file, not `exceptKey` and
 * not already followed, at least `minSize` long, that `matches` (its first bytes). Names starting like the
 * file are tried first. The copy comes back open; the caller closes it.
 */
export async function searchCopy(
  path: string,
  exceptKey: string,
  minSize: number,
  isFollowed: (key: string) => boolean,
  matches: (fh: FileHandle) => Promise<boolean>,
): Promise<{ fh: FileHandle; path: string } | null> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  names.sort((a, b) => Number(!a.startsWith(base)) - Number(!b.startsWith(base)));
  for (const name of names) {
    const candidate = join(dir, name);
    if (name === base || hasCompressedName(candidate)) continue;
    const st = await stat(candidate).catch(() => null);
    if (!st || !st.isFile() || st.size < minSize) continue;
    const key = fileKey(st.dev, st.ino);
    if (key === exceptKey || isFollowed(key)) continue;
    const fh = await open(candidate, 'r').catch(() => null);
    if (!fh) continue;
    const ok = await matches(fh).catch(() => false);
    if (ok) return { fh, path: candidate };
    await fh.close().catch(() => undefined);
  }
  return null;
}
