// The CLI as a shell runs it: the built bin executed through its shebang (what `npx upstream-doctor`
// runs), fed by real pipes, process substitution and redirections. main.test.ts covers the same
// contract in-process, in more detail; this file makes sure the real entry point keeps it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cliPath } from '../testing/watchProcess';

jest.setTimeout(60_000);

const SAMPLE = join(__dirname, '..', '..', 'samples', 'backend_crash');
const dir = mkdtempSync(join(tmpdir(), 'ud-bin-'));
const gz = join(dir, 'access.log.2.gz');
writeFileSync(gz, gzipSync(readFileSync(join(SAMPLE, 'access.log'))));

interface Run {
  code: number;
  out: string;
  err: string;
}

function sh(script: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { env: { ...process.env, UD: cliPath(), GZ: gz, SAMPLE }, timeout: 50_000 }, (e, out, err) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

const cause = (r: Run) => (JSON.parse(r.out) as { likely_cause: string }).likely_cause;

describe('the upstream-doctor bin', () => {
  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await sh(`"$UD" ${flag}`);
      expect(r).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    }
  });

  it('shows examples in each command’s help', async () => {
    const diagnose = await sh('"$UD" diagnose --help');
    expect(diagnose.code).toBe(0);
    expect(diagnose.out).toMatch(/Examples:[\s\S]*zcat [^\n]*\| upstream-doctor diagnose --access -/);
    const watch = await sh('"$UD" watch --help');
    expect(watch.code).toBe(0);
    expect(watch.out).toMatch(/Examples:[\s\S]*upstream-doctor watch --replay samples\//);
    expect(watch.out).toMatch(/SIGHUP/);
  });

  it.each([
    ['a pipe into -', 'zcat "$GZ" | "$UD" diagnose --access - --json'],
    ['gzip bytes into -', 'cat "$GZ" | "$UD" diagnose --access - --json'],
    ['a redirection into -', '"$UD" diagnose --access - --json < "$SAMPLE/access.log"'],
    ['/dev/stdin', 'zcat "$GZ" | "$UD" diagnose --access /dev/stdin --json'],
    ['process substitution', '"$UD" diagnose --access <(zcat "$GZ") --error <(cat "$SAMPLE/error.log") --json'],
  ])('reads the access log from %s', async (_, script) => {
    const r = await sh(script);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(cause(r)).toBe('backend_crash');
  });

  it('refuses two inputs on standard input, and an empty one', async () => {
    const two = await sh('cat "$GZ" | "$UD" diagnose --access - --error -');
    expect(two.code).toBe(2);
    expect(two.err).toBe('upstream-doctor: only one input can be - (standard input)\n');
    const empty = await sh('"$UD" diagnose --access - < /dev/null');
    expect(empty.code).toBe(4);
    expect(empty.err).toBe('upstream-doctor: the access log on standard input is empty\n');
  });

  it('takes one duration syntax in both commands and refuses absurd values with rc 2', async () => {
    for (const w of ['10s', '1m', '10', '2.5s']) {
      expect((await sh(`"$UD" diagnose --access "$SAMPLE/access.log" --window ${w} --json`)).code).toBe(0);
    }
    for (const w of ['1e300', 'Infinity', '0', '-5', '99999999', '10x', 'NaN']) {
      for (const cmd of ['diagnose', 'watch']) {
        const listen = cmd === 'watch' ? ' --listen 127.0.0.1:0' : '';
        const r = await sh(`"$UD" ${cmd} --access "$SAMPLE/access.log" --window ${w}${listen}`);
        expect({ w, cmd, code: r.code }).toEqual({ w, cmd, code: 2 });
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toMatch(/--window|window: expected a duration/);
      }
    }
  });
});
