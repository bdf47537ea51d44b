import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPattern, hasMagic, matchesSegment } from './glob';

describe('glob', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ud-glob-'));
    for (const d of ['site1', 'site2', 'other', '.hidden']) mkdirSync(join(dir, d));
    for (const f of ['site1/access.log', 'site2/access.log', 'site2/error.log', 'other/access.log', '.hidden/access.log', 'a[1].log', 'x.log', '.x.log']) {
      writeFileSync(join(dir, f), '');
    }
    symlinkSync(join(dir, 'site1'), join(dir, 'site3'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells patterns from plain paths, escapes included', () => {
    expect(hasMagic('/var/log/nginx/access.log')).toBe(false);
    expect(hasMagic('/var/log/nginx/*.log')).toBe(true);
    expect(hasMagic('/var/log/site?/a.log')).toBe(true);
    expect(hasMagic('/var/log/a[12].log')).toBe(true);
    expect(hasMagic('/var/log/a\\*.log')).toBe(false);
  });

  it('matches one segment with shell rules', () => {
    expect(matchesSegment('access.log', '*.log')).toBe(true);
    expect(matchesSegment('access.log.1', '*.log')).toBe(false);
    expect(matchesSegment('.access.log', '*.log')).toBe(false);
    expect(matchesSegment('.access.log', '.*.log')).toBe(true);
    expect(matchesSegment('a1.log', 'a[0-9].log')).toBe(true);
    expect(matchesSegment('ab.log', 'a[!0-9].log')).toBe(true);
    expect(matchesSegment('a1.log', 'a[^0-9].log')).toBe(false);
    expect(matchesSegment('a].log', 'a[]].log')).toBe(true);
    expect(matchesSegment('a[.log', 'a[.log')).toBe(true);
    expect(matchesSegment('a+b(c).log', 'a+b(c).log')).toBe(true);
    expect(matchesSegment('axlog', 'a?log')).toBe(true);
  });

  it('expands wildcards in file and directory names, through directory links, skipping hidden names', async () => {
    expect(await expandPattern(join(dir, 'site*', 'access.log'))).toEqual([
      join(dir, 'site1', 'access.log'),
      join(dir, 'site2', 'access.log'),
      join(dir, 'site3', 'access.log'),
    ]);
    expect(await expandPattern(join(dir, '*', 'access.log'))).toHaveLength(4);
    expect(await expandPattern(join(dir, '*.log'))).toEqual([join(dir, 'a[1].log'), join(dir, 'x.log')]);
    expect(await expandPattern(join(dir, 'a\\[1].log'))).toEqual([join(dir, 'a[1].log')]);
  });

  it('returns a plain path as it is, existing or not, and resolves relative ones', async () => {
    expect(await expandPattern(join(dir, 'nope.log'))).toEqual([join(dir, 'nope.log')]);
    expect(await expandPattern('x.log', dir)).toEqual([join(dir, 'x.log')]);
    // Plain segments after a wildcard are joined unchecked: the tailer stats every result anyway.
    expect(await expandPattern('site?/error.log', dir)).toEqual(['site1', 'site2', 'site3'].map((s) => join(dir, s, 'error.log')));
    expect(await expandPattern(join(dir, 'missing', '*.log'))).toEqual([]);
  });
});
