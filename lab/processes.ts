// Starts the backend as a child process, plays the process supervisor (systemd / a container runtime)
// that restarts it after it dies, and kills it on demand: by /crash, or by SIGKILL as the OOM killer does.
// The replacement process is started ahead of time and kept on standby, so the time a restart takes is
// the planned delay and not however long Node needs to boot on a busy machine.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pollUntil } from './poll';

export interface BackendProcessOptions {
  keepAliveTimeoutMs?: number;
  stallOverBytes?: number;
  /** After an exit the supervisor did not ask for, start the backend again (same port) after this long. */
  restartDelayMs?: number;
}

export interface BackendLife {
  pid: number;
  startedAt: number;
  exitedAt?: number;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
}

export class BackendStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendStartError';
  }
}

/** build/lab/backend.js, whether this module runs from build/lab (compiled) or from lab/ (under jest). */
export function backendScript(): string {
  const candidates = [path.join(__dirname, 'backend.js'), path.resolve(__dirname, '..', 'build', 'lab', 'backend.js')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[candidates.length - 1];
}

const START_TIMEOUT_MS = 20_000;

/** A backend child process and the JSON lines it prints. */
class BackendProcess {
  private buffered = '';
  private readonly messages: Array<Record<string, unknown>> = [];
  private waiter: (() => void) | undefined;
  stderr = '';

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => {
      this.buffered += c.toString();
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        try {
          this.messages.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.messages.push({ unparsed: line });
        }
        this.waiter?.();
      }
    });
    child.stderr?.on('data', (c: Buffer) => (this.stderr += c.toString()));
    child.on('exit', () => this.waiter?.());
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The next message carrying `key`, or a BackendStartError when the process dies or stays silent. */
  async next(key: string, timeoutMs = START_TIMEOUT_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex((m) => key in m);
      if (i >= 0) return this.messages.splice(i, 1)[0];
      if (!this.alive) throw new BackendStartError(`backend exited (${this.child.exitCode}): ${this.stderr.trim()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new BackendStartError(`backend printed no ${key} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }
}

function spawnBackend(port: number, opts: BackendProcessOptions, standby: boolean): BackendProcess {
  const args = [backendScript(), '--port', String(port)];
  if (opts.keepAliveTimeoutMs !== undefined) args.push('--keepalive-timeout', String(opts.keepAliveTimeoutMs));
  if (opts.stallOverBytes !== undefined) args.push('--stall-over', String(opts.stallOverBytes));
  if (standby) args.push('--standby', '1');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.on('error', () => undefined);
  return new BackendProcess(child);
}

/** Tells a standby process to listen; resolves with the port once it does. */
async function goLive(proc: BackendProcess): Promise<number> {
  proc.child.stdin?.write('listen\n');
  return Number((await proc.next('port')).port);
}

function waitExit(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new BackendStartError(`backend ${child.pid} did not exit`)), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class BackendSupervisor {
  readonly lives: BackendLife[] = [];
  private current: BackendProcess | undefined;
  private standby: Promise<BackendProcess> | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly port: number,
    private readonly opts: BackendProcessOptions,
  ) {}

  static async start(opts: BackendProcessOptions = {}): Promise<BackendSupervisor> {
    const first = spawnBackend(0, opts, false);
    let port: number;
    try {
      port = Number((await first.next('port')).port);
    } catch (err) {
      first.kill('SIGKILL');
      throw err;
    }
    const sup = new BackendSupervisor(port, opts);
    sup.adopt(first);
    if (opts.restartDelayMs !== undefined) await sup.prepareStandby();
    return sup;
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Pid of the running backend, or -1 while it is down. */
  get pid(): number {
    return this.current?.alive ? (this.current.child.pid ?? -1) : -1;
  }

  private adopt(proc: BackendProcess): void {
    this.current = proc;
    const life: BackendLife = { pid: proc.child.pid ?? -1, startedAt: Date.now() };
    this.lives.push(life);
    proc.child.once('exit', (code, signal) => {
      life.exitedAt = Date.now();
      life.exitCode = code;
      life.signal = signal;
      if (!this.stopping && this.opts.restartDelayMs !== undefined) this.scheduleRestart(this.opts.restartDelayMs);
    });
  }

  /** Starts the next process now and leaves it waiting, loaded but not listening. */
  private prepareStandby(): Promise<BackendProcess> {
    const proc = spawnBackend(this.port, this.opts, true);
    const ready = proc.next('standby').then(
      () => proc,
      (err: unknown) => {
        proc.kill('SIGKILL');
        throw err;
      },
    );
    ready.catch(() => undefined);
    this.standby = ready;
    return ready;
  }

  private scheduleRestart(delayMs: number): void {
    this.restarting = new Promise<void>((resolve, reject) => {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.respawn().then(resolve, reject);
      }, delayMs);
    });
    // A failed restart surfaces through waitUp(); keep it from being an unhandled rejection meanwhile.
    this.restarting.catch(() => undefined);
  }

  private async respawn(): Promise<void> {
    let last: Error | undefined;
    for (let i = 0; i < 5 && !this.stopping; i++) {
      // The standby if there is a healthy one, else a cold start; the old port may be busy for a moment.
      const waiting = this.standby;
      this.standby = undefined;
      let proc: BackendProcess;
      try {
        proc = waiting ? await waiting : spawnBackend(this.port, this.opts, true);
        if (!waiting) await proc.next('standby');
      } catch (err) {
        last = err as Error;
        continue;
      }
      try {
        await goLive(proc);
      } catch (err) {
        last = err as Error;
        proc.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (this.stopping) {
        proc.kill('SIGKILL');
        return;
      }
      this.adopt(proc);
      this.prepareStandby().catch(() => undefined);
      return;
    }
    if (last) throw last;
  }

  /** Resolves once a backend process is listening again (after a crash and the supervisor's restart). */
  async waitUp(timeoutMs = 20_000): Promise<number> {
    await pollUntil(
      'backend restart',
      async () => {
        if (this.restarting) await this.restarting;
        return this.pid > 0;
      },
      { timeoutMs },
    );
    return this.pid;
  }

  /** Sends a signal to the running backend and waits for it to die; returns the pid it had. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const proc = this.current;
    const pid = this.pid;
    if (!proc || pid < 0) throw new BackendStartError('no backend running');
    proc.kill(signal);
    await waitExit(proc.child);
    return pid;
  }

  /** Makes the backend panic: /crash resets every connection it holds and exits. Returns the dead pid. */
  async crash(): Promise<number> {
    const proc = this.current;
    const pid = this.pid;
    if (!proc || pid < 0) throw new BackendStartError('no backend running');
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: '/crash', agent: false }, (res) => {
        res.resume();
        resolve();
      });
      // The /crash connection is reset along with every other one; that is the expected answer.
      req.on('error', () => resolve());
    });
    await waitExit(proc.child);
    return pid;
  }

  /** Stops the backend and its standby for good (no restart). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    } else if (this.restarting) {
      // A respawn already under way kills what it started once it sees `stopping`.
      await this.restarting.catch(() => undefined);
    }
    this.restarting = undefined;
    const spare = await this.standby?.catch(() => undefined);
    this.standby = undefined;
    for (const proc of [this.current, spare]) {
      if (!proc || !proc.alive) continue;
      proc.kill('SIGTERM');
      try {
        await waitExit(proc.child, 5_000);
      } catch {
        proc.kill('SIGKILL');
        await waitExit(proc.child, 5_000).catch(() => undefined);
      }
    }
  }
}
