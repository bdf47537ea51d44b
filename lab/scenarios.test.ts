// The fault lab end to end: each scenario makes real nginx produce a cause's signature, then the CLI is
// run exactly as the outside checks run it and must name that cause. The raw log facts are asserted
// first, so a lab regression fails with "lab:" and an engine regression fails at the CLI step.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RequestOutcome } from './client';
import { NGINX_BIN } from './nginx';
import { backendScript } from './processes';
import { SCENARIOS, type ScenarioResult } from './scenarios';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'build', 'collector', 'cli', 'main.js');
const KEEP = process.env.UPSTREAM_DOCTOR_KEEP_LAB === '1';

let workRoot = '';

beforeAll(() => {
  const missing: string[] = [];
  if (!fs.existsSync(NGINX_BIN)) missing.push(`nginx binary ${NGINX_BIN} (apt-get install nginx)`);
  if (!fs.existsSync(backendScript())) missing.push(`${backendScript()} (run \`npm run build\` first)`);
  if (missing.length > 0) throw new Error(`fault lab prerequisites missing: ${missing.join('; ')}`);
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-doctor-lab-'));
});

afterAll(() => {
  if (workRoot && !KEEP) fs.rmSync(workRoot, { recursive: true, force: true });
});

/** A lab-side assertion: failing it means the lab no longer produces the signature, not an engine bug. */
function labFact(ok: boolean, what: string, res: ScenarioResult): void {
  if (!ok) throw new Error(`lab: ${res.name}: ${what} (logs in ${res.dir}; set UPSTREAM_DOCTOR_KEEP_LAB=1 to keep them)`);
}

const read = (file: string) => fs.readFileSync(file, 'utf8');
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const count = (text: string, needle: string | RegExp) =>
  lines(text).filter((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l))).length;
const accessStatuses = (text: string) => lines(text).map((l) => Number(/" (\d{3}) \d+ "/.exec(l)?.[1] ?? 0));
const tagged = (res: ScenarioResult, tag: string | RegExp): RequestOutcome[] =>
  res.outcomes.filter((o) => (typeof tag === 'string' ? o.tag === tag : tag.test(o.tag ?? '')));

const RAW_FACTS: Record<string, (res: ScenarioResult, access: string, errors: string) => void> = {
  healthy: (res, access, errors) => {
    const statuses = accessStatuses(access);
    labFact(statuses.length === 300, `300 access lines, got ${statuses.length}`, res);
    labFact(statuses.every((s) => s === 200), 'every request answered 200', res);
    labFact(count(errors, /\[(error|crit|alert|emerg)\]/) === 0, 'no [error] lines', res);
  },
  backend_crash: (res, access, errors) => {
    labFact(count(errors, /recv\(\) failed \(104: Connection reset by peer\)|upstream prematurely closed/) >= 3, 'resets of in-flight requests', res);
    labFact(count(errors, 'connect() failed (111: Connection refused)') >= 3, 'refused connects while down', res);
    labFact(accessStatuses(access).filter((s) => s === 502).length >= 5, 'several 502s', res);
    labFact(accessStatuses(access).filter((s) => s === 200).length >= 100, 'traffic succeeds between crashes', res);
    labFact(res.kernelLog === undefined, 'no kernel log', res);
    labFact((res.facts.crashes as unknown[]).length === 3, 'three crashes', res);
  },
  oom_kill: (res, access, errors) => {
    labFact(res.kernelLog !== undefined, 'kern.log written', res);
    const kern = read(res.kernelLog as string);
    const kills = res.facts.kills as Array<{ pid: number }>;
    labFact(kills.length === 2, 'two kills', res);
    for (const k of kills) labFact(kern.includes(`Killed process ${k.pid} (node)`), `kern.log names pid ${k.pid}`, res);
    labFact(count(errors, /recv\(\) failed \(104|upstream prematurely closed/) >= 2, 'in-flight requests cut off', res);
    labFact(accessStatuses(access).filter((s) => s === 502).length >= 4, 'several 502s', res);
  },
  keepalive_idle_race: (res, _access, errors) => {
    const race = tagged(res, 'race');
    labFact(race.filter((o) => o.method === 'POST' && o.status === 502).length >= 5, 'race-gap POSTs get 502', res);
    labFact(tagged(res, /^(short|long|warm)$/).every((o) => o.status === 200), 'short and long gaps succeed', res);
    labFact(count(errors, 'upstream prematurely closed connection while reading response header from upstream') >= 5, 'prematurely closed lines', res);
  },
  middlebox_idle_timeout: (res, _access, errors) => {
    labFact(tagged(res, 'long').filter((o) => o.method === 'POST').every((o) => o.status === 502), 'every long-gap POST fails', res);
    labFact(tagged(res, /^(short|medium|warm)$/).every((o) => o.status === 200), 'gaps under the idle limit succeed', res);
    labFact(count(errors, 'recv() failed (104: Connection reset by peer) while reading response header from upstream') >= 6, '104 lines', res);
  },
  keepalive_reuse_closed: (res, _access, errors) => {
    const flushed = [0, 2, 4].flatMap((i) => tagged(res, `burst${i}`)).filter((o) => o.method === 'POST');
    const kept = [1, 3].flatMap((i) => tagged(res, `burst${i}`));
    labFact(flushed.filter((o) => o.status === 502).length >= 30, 'POST bursts after a flush fail', res);
    labFact(kept.every((o) => o.status === 200), 'bursts without a flush succeed, 3 s idle included', res);
    labFact(count(errors, 'recv() failed (104: Connection reset by peer)') >= 30, '104 lines', res);
  },
  pmtu_black_hole: (res, access, errors) => {
    const large = tagged(res, 'large');
    labFact(large.every((o) => o.truncated && o.bytes < 16384), 'large responses are cut short', res);
    labFact(tagged(res, /^(small|medium)$/).every((o) => o.status === 200 && !o.truncated), 'small responses pass', res);
    labFact(count(errors, 'upstream timed out (110: Connection timed out) while reading upstream') === large.length, 'one body timeout per large response', res);
    labFact(accessStatuses(access).every((s) => s === 200), 'access log shows 200 even for the cut ones', res);
  },
  upstream_timeout: (res, access, errors) => {
    const tooSlow = tagged(res, 'too-slow');
    labFact(tooSlow.every((o) => o.status === 504), 'too-slow requests get 504', res);
    labFact(tagged(res, 'slowish').every((o) => o.status === 200), 'slow-but-in-time requests succeed', res);
    labFact(count(errors, 'upstream timed out (110: Connection timed out) while reading response header from upstream') === tooSlow.length, 'header timeouts', res);
    labFact(accessStatuses(access).filter((s) => s === 504).length === tooSlow.length, '504s in the access log', res);
  },
  upstream_unreachable: (res, access, errors) => {
    labFact(count(errors, 'connect() failed (111: Connection refused)') >= 2, 'refused connects', res);
    labFact(count(errors, 'no live upstreams while connecting to upstream') >= 10, 'no live upstreams', res);
    labFact(count(access, 'upstream_addr="reports"') >= 10, 'group name as $upstream_addr', res);
    labFact(tagged(res, 'live').every((o) => o.status === 200), 'the other location is fine', res);
  },
  client_abort: (res, access, errors) => {
    labFact(accessStatuses(access).filter((s) => s === 499).length >= 20, '499s', res);
    labFact(count(errors, /\[info\] .*client prematurely closed connection/) >= 20, 'client-closed info lines', res);
    labFact(count(errors, /\[info\] .*recv\(\) failed \(104: Connection reset by peer\), client:/) >= 1, 'client-side resets', res);
    labFact(count(errors, /\[error\]/) === 0, 'no upstream errors', res);
  },
};

interface Diagnosis {
  likely_cause: string;
  causes: Array<{ id: string; score: number }>;
}

function diagnose(res: ScenarioResult): Promise<Diagnosis> {
  const args = ['diagnose', '--access', res.accessLog, '--error', res.errorLog];
  if (res.kernelLog) args.push('--kernel-log', res.kernelLog);
  args.push('--nginx-conf', res.nginxConf, '--json');
  return new Promise((resolve, reject) => {
    // The bin itself, as npx runs it: its shebang picks the node flags.
    execFile(CLI, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`diagnose: ${res.name}: CLI failed (${err.message.split('\n')[0]}): ${stderr.trim().slice(0, 500)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as Diagnosis);
      } catch {
        reject(new Error(`diagnose: ${res.name}: stdout is not JSON: ${stdout.slice(0, 300)}`));
      }
    });
  });
}

describe('fault lab scenarios', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: real nginx logs are diagnosed as the cause that produced them',
    async (name, scenario) => {
      const res = await scenario.run(path.join(workRoot, name));
      expect(res.expected).toBe(name);
      const facts = RAW_FACTS[name];
      expect(facts).toBeDefined();
      facts(res, read(res.accessLog), read(res.errorLog));

      const report = await diagnose(res);
      expect({ scenario: name, likely_cause: report.likely_cause }).toEqual({ scenario: name, likely_cause: res.expected });
      expect(report.causes[0]?.id).toBe(res.expected);
    },
    150_000,
  );
});
