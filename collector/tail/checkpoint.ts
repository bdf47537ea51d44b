// Commits the tailer's positions and the caller's counters as one file, so after a crash (kill -9
// included) a restart resumes counting exactly where the saved counters stopped: every line is counted by
// the counters or read again after the offsets, never both. Atomic: the new content is written to a
// temporary file in the same directory, flushed to disk, and renamed over the old one.

import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FilePosition } from './fileIdentity';

export interface Checkpoint {
  version: 1;
  /** ISO time of the save. */
  savedAt: string;
  positions: FilePosition[];
  /** The caller's own serialisable state (counters, aggregates), committed with the positions. */
  state: unknown;
}

/** What `save` takes: version and savedAt are filled in. */
export type CheckpointInput = Pick<Checkpoint, 'positions' | 'state'> & Partial<Pick<Checkpoint, 'savedAt'>>;

/** A checkpoint that cannot be read or written; the message is one line naming the file. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    /** 'unreadable' (I/O), 'corrupt' (not valid), 'foreign' (not ours or another version), 'write'. */
    readonly kind: 'unreadable' | 'corrupt' | 'foreign' | 'write',
    reason: string,
  ) {
    super(`checkpoint ${file}: ${reason}`);
    this.name = 'CheckpointError';
  }
}

export interface LoadOptions {
  /**
   * What to do with a file that is there but corrupt or not a checkpoint of this version: 'throw' (the
   * default) or 'fresh' (return null, as if there were none; the next save replaces it).
   */
  ifInvalid?: 'throw' | 'fresh';
}

/** Marks our files, so another program's JSON at the same path is refused rather than misread. */
const FORMAT = 'upstream-doctor/tail-checkpoint';
const VERSION = 1;

export class CheckpointStore {
  private saving: Promise<void> = Promise.resolve();
  private tmpNo = 0;

  constructor(readonly file: string) {}

  /** The last saved checkpoint, or null when there is none yet. */
  async load(opts: LoadOptions = {}): Promise<Checkpoint | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new CheckpointError(this.file, 'unreadable', `cannot read it (${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message})`);
    }
    try {
      return parseCheckpoint(text);
    } catch (err) {
      if (opts.ifInvalid === 'fresh' && err instanceof InvalidCheckpoint) return null;
      if (err instanceof InvalidCheckpoint) {
        throw new CheckpointError(this.file, err.kind, `${err.message}; remove it, or start fresh, to begin without it`);
      }
      throw err;
    }
  }

  /**
   * Writes a checkpoint atomically (temporary file, fsync, rename, directory fsync). Saves run one after
   * another in call order, so the file always ends as the last save called.
   */
  save(cp: CheckpointInput): Promise<void> {
    let body: string;
    try {
      body = this.serialise(cp);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = () => this.write(body);
    const next = this.saving.then(run, run);
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Removes the checkpoint (start fresh). */
  async discard(): Promise<void> {
    await unlink(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw new CheckpointError(this.file, 'write', `cannot remove it (${err.message})`);
    });
  }

  private serialise(cp: CheckpointInput): string {
    const out = {
      format: FORMAT,
      version: VERSION,
      savedAt: cp.savedAt ?? new Date().toISOString(),
      positions: cp.positions.map((p) => ({ path: p.path, dev: p.dev, ino: p.ino, offset: p.offset, ...(p.head ? { head: p.head } : {}) })),
      state: cp.state,
    };
    try {
      return `${JSON.stringify(out)}\n`;
    } catch (err) {
      throw new CheckpointError(this.file, 'write', `state cannot be saved as JSON (${(err as Error).message})`);
    }
  }

  private async write(body: string): Promise<void> {
    const dir = dirname(this.file);
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${this.tmpNo++}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      const fh = await open(tmp, 'w', 0o640);
      try {
        await fh.writeFile(body, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new CheckpointError(this.file, 'write', `cannot save it (${(err as Error).message})`);
    }
    // The rename is durable once the directory entry is; some filesystems cannot fsync a directory.
    try {
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      // Best effort: the file content itself is already on disk.
    }
  }
}

class InvalidCheckpoint extends Error {
  constructor(
    readonly kind: 'corrupt' | 'foreign',
    message: string,
  ) {
    super(message);
  }
}

/** Checks a checkpoint file's text; throws InvalidCheckpoint with a short reason. */
function parseCheckpoint(text: string): Checkpoint {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidCheckpoint('corrupt', `is not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== FORMAT) {
    throw new InvalidCheckpoint('foreign', 'is not an upstream-doctor tail checkpoint');
  }
  const d = data as Record<string, unknown>;
  if (d.version !== VERSION) {
    throw new InvalidCheckpoint('foreign', `has version ${JSON.stringify(d.version)}, this build reads version ${VERSION}`);
  }
  if (typeof d.savedAt !== 'string' || !Array.isArray(d.positions) || !('state' in d)) {
    throw new InvalidCheckpoint('corrupt', 'lacks savedAt, positions or state');
  }
  const positions: FilePosition[] = [];
  for (const p of d.positions as unknown[]) {
    const pos = p as Record<string, unknown>;
    const ok =
      typeof pos === 'object' &&
      pos !== null &&
      typeof pos.path === 'string' &&
      isCount(pos.dev) &&
      isCount(pos.ino) &&
      isCount(pos.offset) &&
      (pos.head === undefined || typeof pos.head === 'string');
    if (!ok) throw new InvalidCheckpoint('corrupt', `has a malformed position: ${JSON.stringify(p).slice(0, 120)}`);
    positions.push({
      path: pos.path as string,
      dev: pos.dev as number,
      ino: pos.ino as number,
      offset: pos.offset as number,
      ...(pos.head !== undefined ? { head: pos.head as string } : {}),
    });
  }
  return { version: VERSION, savedAt: d.savedAt, positions, state: d.state };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
