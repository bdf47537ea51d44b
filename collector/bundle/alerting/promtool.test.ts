// Debian's promtool on the shipped files: the rule file checks, its unit tests (every alert firing and
// staying quiet, every recording rule's value) pass, a rule bent out of shape fails them, and the example
// Prometheus configs for one cluster, federation and remote_write are valid.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, loadConfigFile } from '../../config/watchConfig';
import { repoRoot } from '../write';
import { ALERTS, RECORDINGS } from './rules';

const PROMTOOL = process.env.UPSTREAM_DOCTOR_PROMTOOL ?? '/usr/bin/promtool';
const root = repoRoot(__dirname);
const RULES = join(root, 'alerts', 'upstream-doctor.rules.yml');
const TESTS = join(root, 'alerts', 'tests', 'upstream-doctor.rules.test.yml');

function promtool(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

beforeAll(() => {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: bash scripts/setup.sh installs the prometheus package`);
});

it('promtool check rules: the rule file is valid and holds every rule', async () => {
  const r = await promtool(['check', 'rules', RULES]);
  expect(r.out).toContain(`SUCCESS: ${ALERTS.length + RECORDINGS.length} rules found`);
  expect(r.code).toBe(0);
});

it('promtool test rules: every alert fires when it should and stays quiet otherwise; recordings compute', async () => {
  const r = await promtool(['test', 'rules', TESTS]);
  expect(r.out).toContain('SUCCESS');
  expect(r.code).toBe(0);
});

describe('the unit tests catch a broken rule', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upstream-doctor-promtool-'));
    mkdirSync(join(dir, 'tests'));
    copyFileSync(TESTS, join(dir, 'tests', 'upstream-doctor.rules.test.yml'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const runWith = async (edit: (rules: string) => string) => {
    const original = readFileSync(RULES, 'utf8');
    const bent = edit(original);
    expect(bent).not.toBe(original);
    writeFileSync(join(dir, 'upstream-doctor.rules.yml'), bent);
    return promtool(['test', 'rules', join(dir, 'tests', 'upstream-doctor.rules.test.yml')]);
  };

  it('a 502 threshold ten times too high misses the firing case', async () => {
    const r = await runWith((s) => s.replace(/(>= 20\)) > 0\.01/, '$1 > 0.1'));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('name: UpstreamHigh502Rate fires');
  });

  it('a verdict rule that fires on 0 breaks its quiet cases', async () => {
    const r = await runWith((s) => s.replace(/(cause=~"backend_crash\|oom_kill\|upstream_unreachable"\}\)\)) > 0/, '$1 >= 0'));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('name: UpstreamBackendDown stays quiet');
  });
});

describe('example Prometheus configs (fleet)', () => {
  it.each(['alerts/prometheus.example.yml', 'alerts/fleet/federation.example.yml', 'alerts/fleet/remote-write.example.yml'])(
    'promtool check config %s',
    async (file) => {
      const r = await promtool(['check', 'config', join(root, file)]);
      expect(r.out).toMatch(/SUCCESS: .* is valid prometheus config file syntax/);
      expect(r.out).not.toMatch(/WARNING/);
      expect(r.code).toBe(0);
    },
  );

  it('the per-host watch config example is accepted by the collector with host and cluster labels', () => {
    const cfg = buildConfig(loadConfigFile(join(root, 'alerts', 'fleet', 'upstream-doctor-watch.example.yml')), {});
    expect(cfg.labels).toEqual({ host: 'web-1', cluster: 'eu-1' });
  });
});
