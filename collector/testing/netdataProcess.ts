// Starts Debian's Netdata 1.37 for tests: foreground (`netdata -D -c <conf>`), on 127.0.0.1 and a free
// port, everything it writes under one temporary directory, only the plugins given enabled, no stock
// alarms, RAM database, 1 s updates. Stopping it checks that the plugins it started went with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';

export const NETDATA_BIN = '/usr/sbin/netdata';

/** Netdata's internal collectors and Debian's external plugins, all off: the test's charts are the only ones. */
const OTHER_PLUGINS = [
  'proc', 'diskspace', 'cgroups', 'tc', 'idlejitter', 'timex', 'checks', 'statsd', 'netdata monitoring',
  'apps', 'charts.d', 'python.d', 'go.d', 'node.d', 'ebpf', 'fping', 'ioping', 'cups', 'perf', 'slabinfo', 'nfacct',
];

export interface NetdataOptions {
  /** Plugin name → executable; each is symlinked into the plugins directory as `<name>.plugin`. */
  plugins: Record<string, string>;
  /** Files for the user config directory (Netdata's /etc/netdata), by relative path. */
  config?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface NetdataProcess {
  child: ChildProcess;
  base: string;
  dir: string;
  configDir: string;
  startedAt: number;
  api<T = unknown>(path: string): Promise<T>;
  /** Netdata's error.log, where plugins' stderr goes too. */
  errorLog(): string;
  stop(): Promise<void>;
}

function netdataConf(dir: string, port: number, plugins: string[]): string {
  const d = (p: string) => join(dir, p);
  return `[global]
  run as user = ${process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root')}
  hostname = upstream-doctor-test
[db]
  mode = ram
  update every = 1
  retention = 3600
[directories]
  config = ${d('etc')}
  stock config = ${d('stock')}
  log = ${d('log')}
  cache = ${d('cache')}
  lib = ${d('lib')}
  plugins = ${d('plugins')}
  health config = ${d('etc/health.d')}
  stock health config = ${d('stock/health.d')}
[logs]
  error = ${d('log/error.log')}
  access = none
  debug = none
  health = ${d('log/health.log')}
[environment variables]
  PATH = ${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin
[web]
  bind to = 127.0.0.1:${port}
  default port = ${port}
[registry]
  enabled = no
[ml]
  enabled = no
[health]
  enabled = yes
  run at least every seconds = 1
[plugins]
  enable running new plugins = no
  check for new plugins every = 60
${OTHER_PLUGINS.map((p) => `  ${p} = no`).join('\n')}
${plugins.map((p) => `  ${p} = yes`).join('\n')}
${plugins.map((p) => `[plugin:${p}]\n  update every = 1`).join('\n')}
`;
}

/** Pids whose parent is `pid` (plugins and Netdata's spawn server). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name in field 2 may hold spaces, so read after its ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** A loopback port that was free a moment ago (Netdata cannot be asked to pick one and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port assigned'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startNetdata(opts: NetdataOptions): Promise<NetdataProcess> {
  if (!existsSync(NETDATA_BIN)) throw new Error(`${NETDATA_BIN} not found: install Debian's netdata (bash scripts/setup.sh)`);
  const dir = mkdtempSync(join(tmpdir(), 'ud-netdata-'));
  for (const sub of ['etc/health.d', 'stock/health.d', 'log', 'cache', 'lib', 'plugins']) mkdirSync(join(dir, sub), { recursive: true });
  for (const [name, target] of Object.entries(opts.plugins)) symlinkSync(target, join(dir, 'plugins', `${name}.plugin`));
  for (const [rel, text] of Object.entries(opts.config ?? {})) {
    mkdirSync(dirname(join(dir, 'etc', rel)), { recursive: true });
    writeFileSync(join(dir, 'etc', rel), text);
  }
  const port = await freePort();
  const conf = join(dir, 'netdata.conf');
  writeFileSync(conf, netdataConf(dir, port, Object.keys(opts.plugins)));
  const child = spawn(NETDATA_BIN, ['-D', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  const base = `http://127.0.0.1:${port}`;
  const errorLog = () => (existsSync(join(dir, 'log/error.log')) ? readFileSync(join(dir, 'log/error.log'), 'utf8') : '');
  const nd: NetdataProcess = {
    child,
    base,
    dir,
    configDir: join(dir, 'etc'),
    startedAt: Math.floor(Date.now() / 1000),
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    errorLog,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kids = childPids(child.pid!);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(hard);
      // Netdata stops its plugins on the way out; anything left is killed here and reported.
      const deadline = Date.now() + 10_000;
      let left = kids.filter(alive);
      while (left.length && Date.now() < deadline) {
        await sleep(100);
        left = left.filter(alive);
      }
      for (const pid of left) process.kill(pid, 'SIGKILL');
      if (left.length) throw new Error(`netdata left processes behind: ${left.join(', ')}`);
    },
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`netdata exited with ${child.exitCode}:\n${output}\n${errorLog().slice(-3000)}`);
    try {
      await nd.api('/api/v1/info');
      return nd;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await nd.stop().catch(() => undefined);
      throw new Error(`netdata did not answer on ${base} within ${opts.startTimeoutMs ?? 60_000} ms:\n${errorLog().slice(-3000)}`);
    }
    await sleep(200);
  }
}
