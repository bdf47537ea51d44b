// A TCP relay that behaves like a long wire: every chunk, every FIN and every reset reaches the other
// side `delayMs` after it left. With it, the keepalive race is a matter of arithmetic instead of luck: a
// request nginx sends just before the backend's idle close crosses that close's FIN on the wire.
import * as net from 'node:net';

export interface LatencyLinkOptions {
  targetHost?: string;
  targetPort: number;
  /** One-way delay applied in each direction. */
  delayMs: number;
}

export interface LinkStats {
  flows: number;
  /** Resets the link passed on (a reset from one side turned into a reset on the other). */
  resetsRelayed: number;
}

type Side = net.Socket;

export class LatencyLink {
  readonly stats: LinkStats = { flows: 0, resetsRelayed: 0 };
  private readonly sockets = new Set<Side>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static start(opts: LatencyLinkOptions): Promise<LatencyLink> {
    return new Promise((resolve, reject) => {
      let link: LatencyLink | undefined;
      const server = net.createServer({ allowHalfOpen: true }, (front) => link?.relay(front, opts));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        link = new LatencyLink(server, typeof addr === 'object' && addr ? addr.port : 0);
        resolve(link);
      });
    });
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  private later(delayMs: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, delayMs);
    this.timers.add(t);
  }

  private relay(front: Side, opts: LatencyLinkOptions): void {
    this.stats.flows++;
    const back = net.connect({ host: opts.targetHost ?? '127.0.0.1', port: opts.targetPort, allowHalfOpen: true });
    this.pipeDelayed(front, back, opts.delayMs);
    this.pipeDelayed(back, front, opts.delayMs);
  }

  /**
   * Carries data, FIN and resets from `from` to `to`, each `delayMs` late and in order. A RST that a side
   * sends after its own FIN is not seen (Node stops reading at EOF); by then the FIN has already told the
   * other side the connection is over, which is all nginx acts on.
   */
  private pipeDelayed(from: Side, to: Side, delayMs: number): void {
    this.sockets.add(from);
    from.on('data', (chunk: Buffer) => this.later(delayMs, () => !to.destroyed && to.write(chunk)));
    from.on('end', () => this.later(delayMs, () => !to.destroyed && to.end()));
    from.on('error', () =>
      this.later(delayMs, () => {
        if (to.destroyed) return;
        this.stats.resetsRelayed++;
        to.resetAndDestroy();
      }),
    );
    // A side that closed after its FIN and ours were both delivered needs nothing more from us.
    from.on('close', () => this.sockets.delete(from));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
