// `npm run samples`: runs every scenario (or the ones named) against real nginx and keeps what each left
// on disk in samples/<scenario>/: access.log, error.log, kern.log when the scenario has one, nginx.conf.
//   node build/lab/makeSamples.js [--out DIR] [scenario...]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCENARIOS } from './scenarios';

function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

function parseArgs(argv: string[]): { out: string; names: string[] } {
  let out = path.join(repoRoot(__dirname), 'samples');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else names.push(argv[i]);
  }
  return { out, names };
}

async function main(): Promise<number> {
  const { out, names } = parseArgs(process.argv.slice(2));
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-doctor-samples-'));
  try {
    for (const s of chosen) {
      const started = Date.now();
      const res = await s.run(path.join(work, s.name));
      const dest = path.join(out, s.name);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.mkdirSync(dest, { recursive: true });
      fs.copyFileSync(res.accessLog, path.join(dest, 'access.log'));
      fs.copyFileSync(res.errorLog, path.join(dest, 'error.log'));
      // The generated config only uses prefix-relative paths, so it is copied unchanged.
      fs.copyFileSync(res.nginxConf, path.join(dest, 'nginx.conf'));
      if (res.kernelLog) fs.copyFileSync(res.kernelLog, path.join(dest, 'kern.log'));
      const statuses: Record<number, number> = {};
      for (const o of res.outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
      process.stdout.write(
        `${s.name}: ${res.outcomes.length} requests ${JSON.stringify(statuses)} in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${dest}\n`,
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`makeSamples: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
