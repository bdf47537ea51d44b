import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, CheckpointStore } from './checkpoint';
import type { FilePosition } from './fileIdentity';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const positions: FilePosition[] = [
  { path: '/var/log/nginx/access.log', dev: 2049, ino: 131_500, offset: 1_234_567, head: `1024:${'ab'.repeat(16)}` },
  { path: '/var/log/nginx/access.log.1', dev: 2049, ino: 131_400, offset: 99 },
];

describe('CheckpointStore', () => {
  it('has nothing to load before the first save', async () => {
    expect(await new CheckpointStore(join(dir, 'none.json')).load()).toBeNull();
  });

  it('saves positions and state together and loads them back, creating the directory', async () => {
    const store = new CheckpointStore(join(dir, 'state', 'tail.json'));
    const state = { lines: 42, byStatus: { '502': 3 }, windows: [[1, 2]] };
    await store.save({ positions, state, savedAt: '2026-11-20T10:00:00.000Z' });
    expect(await store.load()).toEqual({ version: 1, savedAt: '2026-11-20T10:00:00.000Z', positions, state });
    // Only the checkpoint itself is left behind: the temporary file was renamed over it.
    expect(readdirSync(join(dir, 'state'))).toEqual(['tail.json']);
  });

  it('keeps the last of several saves made without waiting', async () => {
    const store = new CheckpointStore(join(dir, 'tail.json'));
    const saves = Array.from({ length: 20 }, (_, i) => store.save({ positions: [], state: { n: i } }));
    await Promise.all(saves);
    expect((await store.load())!.state).toEqual({ n: 19 });
    expect(readdirSync(dir)).toEqual(['tail.json']);
  });

  it('refuses a corrupt file in one line, or starts fresh when asked', async () => {
    const file = join(dir, 'tail.json');
    writeFileSync(file, '{"format":"upstream-doctor/tail-checkpoint","version":1,"savedAt":"x","positions":[{"pa');
    const store = new CheckpointStore(file);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ kind: 'corrupt', file });
    expect((err as Error).message).toMatch(new RegExp(`^checkpoint ${file}: is not valid JSON \\(.*\\); remove it, or start fresh, to begin without it$`));
    expect((err as Error).message).not.toContain('\n');
    expect(await store.load({ ifInvalid: 'fresh' })).toBeNull();
    await store.save({ positions, state: 1 });
    expect((await store.load())!.state).toBe(1);
  });

  it('refuses another program’s JSON and another version', async () => {
    const file = join(dir, 'tail.json');
    writeFileSync(file, JSON.stringify({ positions: [], state: {} }));
    await expect(new CheckpointStore(file).load()).rejects.toMatchObject({ kind: 'foreign', message: expect.stringContaining('is not an upstream-doctor tail checkpoint') });
    writeFileSync(file, JSON.stringify({ format: 'upstream-doctor/tail-checkpoint', version: 2, savedAt: 'x', positions: [], state: {} }));
    await expect(new CheckpointStore(file).load()).rejects.toThrow('has version 2, this build reads version 1');
    writeFileSync(file, JSON.stringify({ format: 'upstream-doctor/tail-checkpoint', version: 1, savedAt: 'x', positions: [{ path: 'a', dev: 1, ino: -3, offset: 0 }], state: {} }));
    await expect(new CheckpointStore(file).load()).rejects.toMatchObject({ kind: 'corrupt', message: expect.stringContaining('malformed position') });
    expect(await new CheckpointStore(file).load({ ifInvalid: 'fresh' })).toBeNull();
  });

  it('reports a checkpoint path that cannot be read or written, in one line', async () => {
    const sub = join(dir, 'is-a-dir');
    mkdirSync(sub);
    await expect(new CheckpointStore(sub).load()).rejects.toMatchObject({ kind: 'unreadable', message: `checkpoint ${sub}: cannot read it (is a directory)` });
    await expect(new CheckpointStore(sub).save({ positions, state: 0 })).rejects.toMatchObject({ kind: 'write' });
    expect(readdirSync(dir)).toEqual(['is-a-dir']);
  });

  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  (root ? it.skip : it)('reports a directory it may not write to', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    await expect(new CheckpointStore(join(ro, 'tail.json')).save({ positions, state: 0 })).rejects.toMatchObject({ kind: 'write' });
  });

  it('refuses state that is not JSON without touching the saved file', async () => {
    const file = join(dir, 'tail.json');
    const store = new CheckpointStore(file);
    await store.save({ positions, state: { n: 1 } });
    await expect(store.save({ positions, state: { big: 1n } })).rejects.toMatchObject({ kind: 'write', message: expect.stringContaining('cannot be saved as JSON') });
    expect(JSON.parse(readFileSync(file, 'utf8')).state).toEqual({ n: 1 });
    await store.discard();
    expect(existsSync(file)).toBe(false);
    await store.discard();
  });
});
