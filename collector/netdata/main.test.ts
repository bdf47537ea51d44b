// The plugin as Netdata runs it: the launcher (through a symlink, as installed) starting the built
// plugin with the interval as its argument. A misconfiguration ends with one line on stderr, DISABLE on
// stdout and exit code 1; a good config streams charts until SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pluginsdWords } from '../testing/pluginsdWords';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'netdata', 'upstream_doctor.plugin');
const SAMPLE = join(ROOT, 'samples', 'backend_crash');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The launcher installed as a symlink in a plugins directory of its own, the way the README's Netdata section says. */
function installedLauncher(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ud-plugins-'));
  const link = join(dir, 'upstream_doctor.plugin');
  symlinkSync(LAUNCHER, link);
  return link;
}

function configDir(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'ud-ndetc-'));
  if (text !== null) writeFileSync(join(dir, 'upstream_doctor.conf'), text);
  return dir;
}

function run(args: string[], env: Record<string, string>, until?: (out: string) => boolean, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(installedLauncher(), args, {
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`plugin did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (until?.(stdout)) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function expectDisabled(args: string[], env: Record<string, string>, message: RegExp): Promise<void> {
  const r = await run(args, env);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('DISABLE\n');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^upstream_doctor\.plugin: /);
  expect(lines[0]).toMatch(message);
}

describe('upstream_doctor.plugin', () => {
  it('without a config: names the file to write, then DISABLE and exit 1', async () => {
    const dir = configDir(null);
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: dir }, new RegExp(`no config: write ${dir}/upstream_doctor.conf`));
  });

  it('with a wrong key, a bad value or a key for watch only: the same, naming it', async () => {
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\nacces: /b.log\n') }, /unknown setting "acces"/);
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\nmax_upstreams: lots\n') }, /max_upstreams: expected a whole number/);
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\nlisten: :9797\n') }, /"listen" is not used by the Netdata plugin/);
  });

  it('with an nginx config that cannot be read, or a bad interval: the same', async () => {
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\nnginx_conf: /nonexistent/nginx.conf\n') }, /nginx\.conf/);
    await expectDisabled(['0'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\n') }, /update_every/);
  });

  it('without node: the launcher says so and disables itself', async () => {
    await expectDisabled(['1'], { NETDATA_USER_CONFIG_DIR: configDir('access: /a.log\n'), UPSTREAM_DOCTOR_NODE: '/nonexistent/node' }, /node not found/);
  });

  it('with a good config: streams the charts of the logs it tails, and stops cleanly on SIGTERM', async () => {
    const dir = configDir(
      `access: [${SAMPLE}/access.log]\nerror: [${SAMPLE}/error.log]\nnginx_conf: ${SAMPLE}/nginx.conf\nstart_at: beginning\n`,
    );
    const counted = (out: string) => /SET status_502 = 71\n/.test(out);
    const r = await run(['1'], { NETDATA_USER_CONFIG_DIR: dir }, counted);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('DISABLE');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CHART upstream_doctor\.lines /);
    const charts = lines.filter((l) => l.startsWith('CHART ')).map((l) => pluginsdWords(l)[1]);
    expect(charts).toContain('upstream_doctor.requests_127_0_0_1_34629');
    expect(charts).toContain('upstream_doctor.cause_score_127_0_0_1_34629');
    expect(lines.filter((l) => l === 'END').length).toBe(lines.filter((l) => l.startsWith('BEGIN ')).length);
    expect(r.stderr).toMatch(/watching 2 log path\(s\), every 1 s/);
    expect(r.stderr).toMatch(/SIGTERM: stopping/);
  });
});
