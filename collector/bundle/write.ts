// Writes the generated operator bundle into the repository (or checks it is current with --check).
//   node build/collector/bundle/write.js [--check] [--root DIR] [--runbook-base URL]
// --runbook-base points every runbook_url at where docs/runbooks.md is published (a wiki, a docs site);
// the committed files use the repository path.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BUNDLE_FILES, type BundleOptions } from './files';

/** The repository root: the nearest directory above this file holding package.json. */
export function repoRoot(from = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** Paths whose committed content differs from what the generators render. */
export function staleFiles(root: string, opts: BundleOptions = {}): string[] {
  return BUNDLE_FILES.filter((f) => {
    const file = join(root, f.path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== f.render(opts);
  }).map((f) => f.path);
}

export function writeBundle(root: string, opts: BundleOptions = {}): string[] {
  const written: string[] = [];
  for (const f of BUNDLE_FILES) {
    const file = join(root, f.path);
    const text = f.render(opts);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(f.path);
  }
  return written;
}

function flag(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const v = argv[at + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function main(argv: string[]): number {
  const known = new Set(['--check', '--root', '--runbook-base']);
  const unknown = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && !(i > 0 && ['--root', '--runbook-base'].includes(argv[i - 1])));
  if (unknown.length) throw new Error(`unknown option ${unknown[0]} (known: ${[...known].join(', ')})`);
  const rootArg = flag(argv, '--root');
  const root = rootArg ? resolve(rootArg) : repoRoot();
  const opts: BundleOptions = { runbookBase: flag(argv, '--runbook-base') };
  if (argv.includes('--check')) {
    const stale = staleFiles(root, opts);
    for (const p of stale) process.stderr.write(`stale: ${p} (run node build/collector/bundle/write.js)\n`);
    return stale.length ? 1 : 0;
  }
  const written = writeBundle(root, opts);
  process.stdout.write(written.length ? written.map((p) => `wrote ${p}\n`).join('') : 'bundle is current\n');
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`upstream-doctor bundle: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
