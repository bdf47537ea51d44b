// Starts the real Debian nginx on a generated config in a directory of its own and stops it so that
// every log line is on disk before anyone reads the logs.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  ACCESS_LOG,
  ERROR_LOG,
  STATUS_PATH,
  renderNginxConf,
  type LocationSpec,
  type UpstreamGroupSpec,
} from './nginxConf';
import { pollUntil } from './poll';
import { freePort } from './ports';

export const NGINX_BIN = process.env.UPSTREAM_DOCTOR_NGINX ?? '/usr/sbin/nginx';

export interface NginxOptions {
  /** Fresh directory nginx uses as its prefix: config, logs, pid and temp files all go here. */
  dir: string;
  groups: UpstreamGroupSpec[];
  locations: LocationSpec[];
  startTimeoutMs?: number;
}

export interface NginxHandle {
  port: number;
  dir: string;
  accessLog: string;
  errorLog: string;
  confPath: string;
  /** Master process id. */
  pid: number;
  /** The stub_status page as nginx prints it. */
  stubStatus(): Promise<string>;
  /** Graceful stop (SIGQUIT, then SIGTERM, then SIGKILL if it hangs); resolves once the master exited. */
  stop(): Promise<void>;
}

export class NginxStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NginxStartError';
  }
}

export function httpGetText(port: number, urlPath: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  for (const [signal, ms] of [['SIGQUIT', 10_000], ['SIGTERM', 5_000], ['SIGKILL', 5_000]] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    if (await waitExit(child, ms)) return;
  }
}

async function startOnce(opts: NginxOptions, port: number): Promise<NginxHandle> {
  const dir = path.resolve(opts.dir);
  for (const sub of ['tmp/client_body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  const confPath = path.join(dir, 'nginx.conf');
  const runAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.writeFileSync(confPath, renderNginxConf({ port, groups: opts.groups, locations: opts.locations, runAsRoot }));
  const errorLog = path.join(dir, ERROR_LOG);
  const accessLog = path.join(dir, ACCESS_LOG);

  const child = spawn(NGINX_BIN, ['-c', confPath, '-p', dir + path.sep, '-e', errorLog], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const exitedEarly = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
  try {
    await pollUntil(
      `nginx on 127.0.0.1:${port}`,
      async () => {
        if (exitedEarly()) return true;
        const res = await httpGetText(port, STATUS_PATH, 1000);
        return res.status === 200;
      },
      { timeoutMs: opts.startTimeoutMs ?? 15_000 },
    );
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  if (exitedEarly()) {
    const logTail = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8').split('\n').slice(-5).join(' | ') : '';
    const why = spawnError?.message ?? (stderr.trim() || logTail || `exit code ${child.exitCode}`);
    throw new NginxStartError(`nginx did not start: ${why}`);
  }

  return {
    port,
    dir,
    accessLog,
    errorLog,
    confPath,
    pid: child.pid ?? -1,
    stubStatus: async () => (await httpGetText(port, STATUS_PATH)).body,
    stop: () => stopChild(child),
  };
}

/** Starts nginx on a probed free port; a port taken between probe and bind is retried with another. */
export async function startNginx(opts: NginxOptions): Promise<NginxHandle> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    try {
      return await startOnce(opts, port);
    } catch (err) {
      lastError = err as Error;
      if (!/Address already in use|\(98:/.test(lastError.message)) throw lastError;
      // A stale error log from the failed attempt must not leak into the scenario's logs.
      fs.rmSync(path.join(opts.dir, ERROR_LOG), { force: true });
      fs.rmSync(path.join(opts.dir, ACCESS_LOG), { force: true });
    }
  }
  throw lastError ?? new NginxStartError('nginx did not start');
}
