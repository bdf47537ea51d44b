import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { rotatedFiles } from './rotated';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-rotated-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Creates a file with a modification time `ageS` seconds in the past. */
function make(name: string, ageS: number): void {
  const path = join(dir, name);
  writeFileSync(path, `${name}\n`);
  const t = Date.now() / 1000 - ageS;
  utimesSync(path, t, t);
}

const names = async (live: string) => (await rotatedFiles(join(dir, live))).map((f) => basename(f.path));

describe('rotatedFiles', () => {
  it('orders numbered copies by number, biggest (oldest) first, not by name', async () => {
    for (const [n, age] of [['access.log', 0], ['access.log.1', 10], ['access.log.2.gz', 20], ['access.log.10.gz', 100], ['access.log.9.gz', 90]] as const) make(n, age);
    expect(await names('access.log')).toEqual(['access.log.10.gz', 'access.log.9.gz', 'access.log.2.gz', 'access.log.1']);
  });

  it('orders dateext copies by date, oldest first', async () => {
    for (const [n, age] of [['access.log-20261120', 10], ['access.log-20261118.gz', 30], ['access.log-20261119.gz', 20]] as const) make(n, age);
    expect(await names('access.log')).toEqual(['access.log-20261118.gz', 'access.log-20261119.gz', 'access.log-20261120']);
  });

  it('breaks a tie by modification time and merges both schemes by it', async () => {
    for (const [n, age] of [['access.log.1', 5], ['access.log.1.gz', 50], ['access.log-20261101.gz', 500]] as const) make(n, age);
    expect(await names('access.log')).toEqual(['access.log-20261101.gz', 'access.log.1.gz', 'access.log.1']);
  });

  it('ignores other files, other logs and directories', async () => {
    for (const n of ['access.log.bak', 'access.log.1.old', 'access.logx.1', 'error.log.1', 'access.log.', 'access.log.-1']) make(n, 1);
    mkdirSync(join(dir, 'access.log.3'));
    make('access.log.2', 2);
    expect(await names('access.log')).toEqual(['access.log.2']);
    expect(await rotatedFiles(join(dir, 'missing', 'access.log'))).toEqual([]);
  });
});
