// Debian's Prometheus and Alertmanager as real child processes on loopback ports chosen at run time, with
// temporary storage, readiness polled on /-/ready, and a stop that waits for the exit. For the alerting
// end-to-end test: the rules, routes and inhibitions are the shipped ones.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pollUntil } from './poll';
import { freePort } from './ports';

export const PROMETHEUS_BIN = process.env.UPSTREAM_DOCTOR_PROMETHEUS ?? '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = process.env.UPSTREAM_DOCTOR_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

export interface Served {
  base: string;
  port: number;
  /** Everything the process wrote to stderr, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

/** Starts `bin` with the listen address in `args(port)`, retrying with another port if it was taken. */
async function serve(name: string, bin: string, args: (port: number) => string[], readyTimeoutMs: number): Promise<Served> {
  if (!fs.existsSync(bin)) throw new Error(`${name}: ${bin} is missing (bash scripts/setup.sh installs it)`);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(bin, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      // Bounded: a chatty process must not grow the test's memory.
      log = (log + s).slice(-64 * 1024);
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await pollUntil(
        `${name} ready on ${base}`,
        async () => {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${log.slice(-800)}`);
          const res = await fetch(`${base}/-/ready`);
          return res.ok;
        },
        { timeoutMs: readyTimeoutMs, intervalMs: 100 },
      );
      return { base, port, log: () => log, stop: () => stop(child) };
    } catch (err) {
      await stop(child);
      lastError = err as Error;
      if (!/address already in use/i.test(log)) throw new Error(`${(err as Error).message}\n${log.slice(-800)}`);
    }
  }
  throw lastError ?? new Error(`${name} did not start`);
}

export interface PrometheusOptions {
  dir: string;
  /** prometheus.yml text; rule files it names are relative to `dir`. */
  config: string;
}

export async function startPrometheus(o: PrometheusOptions): Promise<Served> {
  const conf = path.join(o.dir, 'prometheus.yml');
  fs.writeFileSync(conf, o.config);
  const data = path.join(o.dir, 'prometheus-data');
  fs.mkdirSync(data, { recursive: true });
  return serve(
    'prometheus',
    PROMETHEUS_BIN,
    (port) => [
      `--config.file=${conf}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Firing alerts are re-sent every resend delay; the default minute would outlast the test.
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ],
    30_000,
  );
}

export interface AlertmanagerOptions {
  dir: string;
  /** alertmanager.yml text. */
  config: string;
}

export async function startAlertmanager(o: AlertmanagerOptions): Promise<Served> {
  const conf = path.join(o.dir, 'alertmanager.yml');
  fs.writeFileSync(conf, o.config);
  const data = path.join(o.dir, 'alertmanager-data');
  fs.mkdirSync(data, { recursive: true });
  return serve(
    'alertmanager',
    ALERTMANAGER_BIN,
    (port) => [
      `--config.file=${conf}`,
      `--storage.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // A single instance: no gossip port, nothing listening beyond the one loopback address.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    30_000,
  );
}

/** GET a Prometheus / Alertmanager JSON API path. */
export async function getJson<T>(base: string, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${base}${pathAndQuery}`);
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

export interface PromVectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromQueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: PromVectorSample[] | [number, string] };
}

/** An instant query through the HTTP API; resolves with the API's answer, errors included. */
export async function promQuery(base: string, expr: string): Promise<PromQueryResult> {
  const res = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }).toString(),
  });
  return (await res.json()) as PromQueryResult;
}
