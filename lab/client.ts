// The lab's traffic: a bounded list of planned requests against nginx, sent by N workers over a
// keep-alive agent, with planned idle gaps and planned client aborts. Every request has a hard deadline.
import * as http from 'node:http';
import { sleep } from './poll';

export type Method = 'GET' | 'POST';

export interface PlannedRequest {
  method: Method;
  path: string;
  /** Request body size; default 256 bytes for POST, none for GET. */
  bodyBytes?: number;
  /** Idle time of this worker before it sends the request (after its previous request finished). */
  gapMs?: number;
  /** The client gives up after this long and closes its connection (nginx logs 499 if still waiting). */
  abortAfterMs?: number;
  /** Close with a TCP reset instead of a FIN when aborting. */
  abortWithReset?: boolean;
  /** Send only half of the body and hold the rest back until the abort (needs abortAfterMs). */
  partialBody?: boolean;
  /** Free-form label the scenario uses to find the outcome again. */
  tag?: string;
}

export interface RequestOutcome {
  index: number;
  tag?: string;
  method: Method;
  path: string;
  /** HTTP status, 0 when no response header arrived. */
  status: number;
  /** Body bytes received. */
  bytes: number;
  /** The response body was cut short (connection closed before Content-Length was reached). */
  truncated: boolean;
  aborted: boolean;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface RunOptions {
  concurrency?: number;
  /** Deadline per request; a request still open then is destroyed and recorded as an error. */
  hardTimeoutMs?: number;
  /** Epoch ms after which workers start no further request (the plan is also a hard upper bound). */
  stopAt?: number;
}

export class ClientPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientPlanError';
  }
}

export class LabClient {
  private readonly agent: http.Agent;

  constructor(
    readonly port: number,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Runs the plan in order with `concurrency` workers; resolves when every request has finished. */
  async run(plan: PlannedRequest[], opts: RunOptions = {}): Promise<RequestOutcome[]> {
    for (const p of plan) {
      if (p.partialBody && p.abortAfterMs === undefined) throw new ClientPlanError('partialBody needs abortAfterMs');
    }
    const outcomes: RequestOutcome[] = new Array(plan.length);
    let next = 0;
    const worker = async () => {
      while (next < plan.length && Date.now() < (opts.stopAt ?? Infinity)) {
        const index = next++;
        const p = plan[index];
        if (p.gapMs) await sleep(p.gapMs);
        outcomes[index] = await this.send(index, p, opts.hardTimeoutMs ?? 20_000);
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 1, plan.length)) }, worker);
    await Promise.all(workers);
    // Requests never started because of stopAt leave holes; only what was sent is reported.
    return outcomes.filter((o) => o !== undefined);
  }

  private send(index: number, p: PlannedRequest, hardTimeoutMs: number): Promise<RequestOutcome> {
    const bodyBytes = p.bodyBytes ?? (p.method === 'POST' ? 256 : 0);
    const startedAt = Date.now();
    return new Promise((resolve) => {
      const out: RequestOutcome = {
        index,
        tag: p.tag,
        method: p.method,
        path: p.path,
        status: 0,
        bytes: 0,
        truncated: false,
        aborted: false,
        startedAt,
        endedAt: startedAt,
      };
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (error?: string) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        if (error && !out.error) out.error = error;
        out.endedAt = Date.now();
        resolve(out);
      };

      const headers: http.OutgoingHttpHeaders = {};
      if (bodyBytes > 0) {
        headers['content-type'] = 'application/octet-stream';
        headers['content-length'] = bodyBytes;
      }
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method: p.method, path: p.path, agent: this.agent, headers },
        (res) => {
          out.status = res.statusCode ?? 0;
          const expected = Number(res.headers['content-length']);
          res.on('data', (c: Buffer) => (out.bytes += c.length));
          res.on('end', () => {
            if (Number.isFinite(expected) && out.bytes < expected) out.truncated = true;
            finish();
          });
          res.on('error', (e) => {
            out.truncated = true;
            finish(e.message);
          });
          res.on('close', () => {
            if (!res.complete) out.truncated = true;
            finish(res.complete ? undefined : 'response closed early');
          });
        },
      );
      req.on('error', (e) => finish(e.message));

      if (p.abortAfterMs !== undefined) {
        timers.push(
          setTimeout(() => {
            if (settled) return;
            out.aborted = true;
            if (p.abortWithReset && req.socket) req.socket.resetAndDestroy();
            else req.destroy();
            finish('aborted by client');
          }, p.abortAfterMs),
        );
      }
      timers.push(
        setTimeout(() => {
          req.destroy();
          finish(`no answer within ${hardTimeoutMs} ms`);
        }, hardTimeoutMs),
      );

      if (bodyBytes > 0) {
        const body = Buffer.alloc(bodyBytes, 'p');
        if (p.partialBody) {
          req.write(body.subarray(0, Math.floor(bodyBytes / 2)));
          return;
        }
        req.end(body);
      } else {
        req.end();
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Counts outcomes by status (0 for no response). */
export function statusCounts(outcomes: RequestOutcome[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
