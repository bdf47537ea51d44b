// Debian's amtool on the shipped Alertmanager config: it is valid, each routing case reaches the receiver
// on-call expects (critical → a pager, warning → a ticket channel, by team), every shipped alert routes
// where the runbook table says, and no secret is written in the file.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../write';
import { ALERTS } from './rules';
import { INHIBITIONS, RECEIVERS, receiverFor } from './routing';

const AMTOOL = process.env.UPSTREAM_DOCTOR_AMTOOL ?? '/usr/bin/amtool';
const CONFIG = join(repoRoot(__dirname), 'alerts', 'alertmanager.yml');

function amtool(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(AMTOOL, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** The receiver amtool resolves for these labels, and whether --verify.receivers agrees with `expected`. */
async function route(labels: Record<string, string>, expected: string): Promise<{ receiver: string; verified: boolean }> {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const plain = await amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, ...pairs]);
  const verify = await amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, `--verify.receivers=${expected}`, ...pairs]);
  const receiver = plain.out
    .split('\n')
    .map((l) => l.trim())
    .find((l) => RECEIVERS.some((r) => r.name === l));
  return { receiver: receiver ?? plain.out.trim(), verified: verify.code === 0 };
}

beforeAll(() => {
  if (!existsSync(AMTOOL)) throw new Error(`${AMTOOL} is missing: bash scripts/setup.sh installs the prometheus-alertmanager package`);
});

it('amtool check-config: valid, with every receiver and inhibition', async () => {
  const r = await amtool(['check-config', CONFIG]);
  expect(r.out).toContain('SUCCESS');
  expect(r.out).toContain(`${INHIBITIONS.length} inhibit rules`);
  expect(r.out).toContain(`${RECEIVERS.length} receivers`);
  expect(r.code).toBe(0);
});

describe('amtool config routes test: on-call routing by severity and team', () => {
  it.each([
    ['critical, backend team → backend pager', { severity: 'critical', team: 'backend' }, 'oncall-pager-backend'],
    ['critical, edge team → edge pager', { severity: 'critical', team: 'edge' }, 'oncall-pager-edge'],
    ['critical without a team still pages (edge)', { severity: 'critical' }, 'oncall-pager-edge'],
    ['critical, unknown team still pages (edge)', { severity: 'critical', team: 'payments' }, 'oncall-pager-edge'],
    ['warning, backend team → backend tickets', { severity: 'warning', team: 'backend' }, 'tickets-backend'],
    ['warning, edge team → edge tickets', { severity: 'warning', team: 'edge' }, 'tickets-edge'],
    ['warning without a team → edge tickets', { severity: 'warning' }, 'tickets-edge'],
    ['no labels at all → edge tickets', { alertname: 'Unlabelled' }, 'tickets-edge'],
  ] as const)('%s', async (_name, labels, expected) => {
    const r = await route(labels, expected);
    expect(r).toEqual({ receiver: expected, verified: true });
  });

  it('a wrong expectation is reported as a mismatch (the check can fail)', async () => {
    expect((await route({ severity: 'critical', team: 'backend' }, 'tickets-backend')).verified).toBe(false);
  });
});

describe('every shipped alert', () => {
  it.each(ALERTS.map((a) => [a.name, a] as const))('%s routes where the runbook table says, pager for critical, tickets for warning', async (_n, a) => {
    const labels = { alertname: a.name, severity: a.severity, team: a.team };
    const expected = receiverFor(labels);
    expect(expected.startsWith(a.severity === 'critical' ? 'oncall-pager-' : 'tickets-')).toBe(true);
    expect(await route(labels, expected)).toEqual({ receiver: expected, verified: true });
  });
});

it('holds no secret: keys and tokens are read from files', () => {
  const doc = parse(readFileSync(CONFIG, 'utf8')) as { receivers: Array<Record<string, unknown>> };
  const inline = /^(routing_key|service_key|api_key|password|credentials|bearer_token|token)$/;
  const seen: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (inline.test(k) ? seen.push(`${at}.${k}`) : walk(x, `${at}.${k}`));
  };
  walk(doc.receivers, 'receivers');
  expect(seen).toEqual([]);
  expect(JSON.stringify(doc.receivers)).toMatch(/_file/);
});
