// One scenario's set of live parts (backends, relays, nginx, clients), torn down in a fixed order even
// when the scenario throws: nginx first so its logs are complete and it closes its upstream connections
// itself, then the clients, then relays and backends.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabClient, type RequestOutcome } from './client';
import { LatencyLink, type LatencyLinkOptions } from './latencyLink';
import { Middlebox, type MiddleboxOptions } from './middlebox';
import { startNginx, type NginxHandle } from './nginx';
import type { LocationSpec, UpstreamGroupSpec } from './nginxConf';
import { BackendSupervisor, type BackendProcessOptions } from './processes';

/** Cause ids of the diagnosis vocabulary (DESIGN.md). */
export type CauseId =
  | 'healthy'
  | 'backend_crash'
  | 'oom_kill'
  | 'keepalive_idle_race'
  | 'middlebox_idle_timeout'
  | 'keepalive_reuse_closed'
  | 'pmtu_black_hole'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'client_abort';

export interface ScenarioResult {
  name: string;
  expected: CauseId;
  dir: string;
  accessLog: string;
  errorLog: string;
  /** Present only when the scenario wrote kernel lines. */
  kernelLog?: string;
  nginxConf: string;
  /** What the clients saw, request by request. */
  outcomes: RequestOutcome[];
  /** Lab-side facts (crash pids, flush times, …) for assertions and the report. */
  facts: Record<string, unknown>;
}

export class Lab {
  readonly kernelLogPath: string;
  private nginxHandle: NginxHandle | undefined;
  private readonly clients: LabClient[] = [];
  private readonly relays: Array<LatencyLink | Middlebox> = [];
  private readonly backends: BackendSupervisor[] = [];

  constructor(readonly dir: string) {
    this.kernelLogPath = path.join(dir, 'kern.log');
  }

  async backend(opts: BackendProcessOptions = {}): Promise<BackendSupervisor> {
    const b = await BackendSupervisor.start(opts);
    this.backends.push(b);
    return b;
  }

  async link(opts: LatencyLinkOptions): Promise<LatencyLink> {
    const l = await LatencyLink.start(opts);
    this.relays.push(l);
    return l;
  }

  async middlebox(opts: MiddleboxOptions): Promise<Middlebox> {
    const m = await Middlebox.start(opts);
    this.relays.push(m);
    return m;
  }

  async nginx(groups: UpstreamGroupSpec[], locations: LocationSpec[]): Promise<NginxHandle> {
    if (this.nginxHandle) throw new Error('one nginx per scenario');
    this.nginxHandle = await startNginx({ dir: this.dir, groups, locations });
    return this.nginxHandle;
  }

  client(maxSockets = 64): LabClient {
    if (!this.nginxHandle) throw new Error('start nginx before the client');
    const c = new LabClient(this.nginxHandle.port, maxSockets);
    this.clients.push(c);
    return c;
  }

  async teardown(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };
    if (this.nginxHandle) await attempt(() => this.nginxHandle?.stop());
    for (const c of this.clients) await attempt(() => c.close());
    for (const r of this.relays) await attempt(() => r.close());
    for (const b of this.backends) await attempt(() => b.stop());
    if (errors.length > 0) throw errors[0];
  }

  get confPath(): string {
    return this.nginxHandle?.confPath ?? path.join(this.dir, 'nginx.conf');
  }
}

/** Runs `body` against a fresh lab in `dir`, tears everything down, then describes what is on disk. */
export async function runLab(
  dir: string,
  name: string,
  expected: CauseId,
  body: (lab: Lab) => Promise<{ outcomes: RequestOutcome[]; facts?: Record<string, unknown> }>,
): Promise<ScenarioResult> {
  fs.mkdirSync(dir, { recursive: true });
  const lab = new Lab(dir);
  let ran: { outcomes: RequestOutcome[]; facts?: Record<string, unknown> };
  try {
    ran = await body(lab);
  } catch (err) {
    // The scenario's own failure is the one worth reporting; teardown still has to happen.
    await lab.teardown().catch(() => undefined);
    throw err;
  }
  await lab.teardown();
  return {
    name,
    expected,
    dir,
    accessLog: path.join(dir, 'access.log'),
    errorLog: path.join(dir, 'error.log'),
    kernelLog: fs.existsSync(lab.kernelLogPath) ? lab.kernelLogPath : undefined,
    nginxConf: lab.confPath,
    outcomes: ran.outcomes,
    facts: ran.facts ?? {},
  };
}
