// The collector's version, from the package.json above this file (source or build tree alike).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function collectorVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'upstream-doctor') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}
