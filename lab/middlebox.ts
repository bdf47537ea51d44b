// A stateful box between nginx and the backend (load balancer, NAT, firewall). It keeps a table of flows
// and forgets a flow after `idleMs` without traffic, or all flows at once when told to (a conntrack flush,
// a failover). Forgetting is silent — neither side hears of it — and the next packet nginx sends on a
// forgotten flow is answered with a RST, as a NAT or LB that has no state for it does.
import * as net from 'node:net';

export interface MiddleboxOptions {
  targetHost?: string;
  targetPort: number;
  /** Idle time after which a flow is forgotten; Infinity: never by idleness (only by flush()). */
  idleMs: number;
}

export interface MiddleboxEvent {
  at: number;
  kind: 'forgotten' | 'reset';
  /** Idle time of the flow when it was forgotten or reset. */
  idleMs: number;
}

interface Flow {
  front: net.Socket;
  back: net.Socket;
  forgotten: boolean;
  lastActivity: number;
  timer?: NodeJS.Timeout;
}

export class Middlebox {
  readonly events: MiddleboxEvent[] = [];
  private readonly flows = new Set<Flow>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly opts: MiddleboxOptions,
  ) {}

  static start(opts: MiddleboxOptions): Promise<Middlebox> {
    return new Promise((resolve, reject) => {
      let box: Middlebox | undefined;
      const server = net.createServer({ allowHalfOpen: true }, (front) => box?.track(front));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        box = new Middlebox(server, typeof addr === 'object' && addr ? addr.port : 0, opts);
        resolve(box);
      });
    });
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Flows the box still has state for. */
  get liveFlows(): number {
    let n = 0;
    for (const f of this.flows) if (!f.forgotten) n++;
    return n;
  }

  /** Drops the state of every flow now; returns how many were live. */
  flush(): number {
    let n = 0;
    for (const f of this.flows) {
      if (f.forgotten) continue;
      this.forget(f);
      n++;
    }
    return n;
  }

  private touch(flow: Flow): void {
    flow.lastActivity = Date.now();
    flow.timer?.refresh();
  }

  private forget(flow: Flow): void {
    flow.forgotten = true;
    if (flow.timer) clearTimeout(flow.timer);
    this.events.push({ at: Date.now(), kind: 'forgotten', idleMs: Date.now() - flow.lastActivity });
    // The backend's side of the state is gone too; nothing of this reaches nginx.
    flow.back.destroy();
  }

  private answerWithReset(flow: Flow): void {
    if (flow.front.destroyed) return;
    this.events.push({ at: Date.now(), kind: 'reset', idleMs: Date.now() - flow.lastActivity });
    flow.front.resetAndDestroy();
    this.flows.delete(flow);
  }

  private track(front: net.Socket): void {
    const back = net.connect({ host: this.opts.targetHost ?? '127.0.0.1', port: this.opts.targetPort, allowHalfOpen: true });
    const flow: Flow = { front, back, forgotten: false, lastActivity: Date.now() };
    this.flows.add(flow);
    if (Number.isFinite(this.opts.idleMs)) {
      flow.timer = setTimeout(() => this.forget(flow), this.opts.idleMs);
    }

    front.on('data', (chunk: Buffer) => {
      if (flow.forgotten) return this.answerWithReset(flow);
      this.touch(flow);
      back.write(chunk);
    });
    front.on('end', () => {
      if (flow.forgotten) return this.answerWithReset(flow);
      back.end();
    });
    back.on('data', (chunk: Buffer) => {
      if (flow.forgotten) return;
      this.touch(flow);
      front.write(chunk);
    });
    back.on('end', () => {
      if (!flow.forgotten) front.end();
    });
    // A reset on a tracked flow passes through as a reset; on a forgotten one it has nowhere to go.
    front.on('error', () => back.destroyed || back.resetAndDestroy());
    back.on('error', () => flow.forgotten || front.destroyed || front.resetAndDestroy());
    const done = () => {
      if (front.destroyed && back.destroyed) {
        if (flow.timer) clearTimeout(flow.timer);
        this.flows.delete(flow);
      }
    };
    front.on('close', done);
    back.on('close', done);
  }

  async close(): Promise<void> {
    for (const f of this.flows) {
      if (f.timer) clearTimeout(f.timer);
      f.front.destroy();
      f.back.destroy();
    }
    this.flows.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
