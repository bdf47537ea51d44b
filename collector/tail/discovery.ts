// Which files the tailer's paths and patterns name right now, by identity (device + inode), and the
// directory watches that make a round come sooner when something in them changes. Polling alone is
// always correct; the watches are a hint.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { fileKey } from './fileIdentity';
import { expandPattern, hasMagic } from './glob';
import { toLineReadError } from './lineReader';
import type { OnceReporter } from './onceReporter';
import type { FoundFile } from './resume';

/** A followed path that is not a regular file (a directory, a FIFO, /dev/stdout in a container). */
export class TailPathError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    reason: string,
  ) {
    super(`cannot follow ${path}: ${reason}`);
    this.name = 'TailPathError';
  }
}

/** The regular files the patterns match now, by identity (first path wins for hard links). */
export async function discoverFiles(patterns: readonly string[], reporter: OnceReporter): Promise<Map<string, FoundFile>> {
  const found = new Map<string, FoundFile>();
  for (const pattern of patterns) {
    for (const path of await expandPattern(pattern)) {
      let st;
      try {
        st = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Not there (yet): the normal state of a path to be created, or a glob match gone since.
        if (code !== 'ENOENT' && code !== 'ENOTDIR') reporter.report(path, toLineReadError(path, err));
        continue;
      }
      if (!st.isFile()) {
        reporter.report(path, new TailPathError(path, 'ENOTFILE', st.isDirectory() ? 'is a directory, not a file' : 'not a regular file'));
        continue;
      }
      reporter.clear(path);
      const key = fileKey(st.dev, st.ino);
      if (!found.has(key)) found.set(key, { path, st });
    }
  }
  return found;
}

/** The deepest directory of a pattern that has no wildcard (for a plain path, its directory). */
export function literalDir(pattern: string): string {
  if (!hasMagic(pattern)) return dirname(pattern);
  const segs = pattern.split(sep);
  const i = segs.findIndex((s) => hasMagic(s));
  return segs.slice(0, i).join(sep) || sep;
}

/** fs.watch on a changing set of directories, each calling `onChange` when anything in it changes. */
export class DirectoryWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onChange: () => void) {}

  /** Watches exactly `dirs` from now on. */
  update(dirs: ReadonlySet<string>): void {
    for (const [dir, w] of this.watchers) {
      if (dirs.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, this.onChange);
        // Watching is only a hint (the directory went away, or inotify ran out of watches): polling goes on.
        w.on('error', () => {
          w.close();
          if (this.watchers.get(dir) === w) this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // Not there yet, or not watchable; the next update tries again.
      }
    }
  }

  closeAll(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
