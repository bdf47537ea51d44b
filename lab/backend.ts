// A fault-injecting upstream, run as its own process so it can crash, be SIGKILLed (the OOM killer's
// way) and be restarted on the same port by the supervisor. Started as
//   node build/lab/backend.js --port 0 [--keepalive-timeout MS] [--stall-over BYTES] [--standby 1]
// it prints {"port":N,"pid":P} on one stdout line once it listens. With --standby 1 it loads, prints
// {"standby":true,"pid":P} and listens only when a line arrives on stdin: a restart then costs a listen()
// instead of a Node start-up, which on a loaded machine can take seconds. It exits when stdin closes, so
// a dead parent leaves no backend behind.
import * as http from 'node:http';
import type { Socket } from 'node:net';

export interface BackendOptions {
  port: number;
  host: string;
  /** How long the backend keeps an idle keep-alive connection before closing it; 0: forever. */
  keepAliveTimeoutMs: number;
  /** Responses larger than this send their header and the first STALL_PREFIX bytes, then nothing. */
  stallOverBytes: number;
  /** Wait for a line on stdin before listening. */
  standby: boolean;
}

/** What survives a path-MTU black hole: the small leading segments of a big response. */
export const STALL_PREFIX = 4096;

export class BackendArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendArgsError';
  }
}

export function parseBackendArgs(argv: string[]): BackendOptions {
  const opts: BackendOptions = {
    port: 0,
    host: '127.0.0.1',
    keepAliveTimeoutMs: 5000,
    stallOverBytes: Infinity,
    standby: false,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const raw = argv[i + 1];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) {
      throw new BackendArgsError(`${flag} needs a non-negative number, got ${String(raw)}`);
    }
    switch (flag) {
      case '--port':
        opts.port = value;
        break;
      case '--keepalive-timeout':
        opts.keepAliveTimeoutMs = value;
        break;
      case '--stall-over':
        opts.stallOverBytes = value;
        break;
      case '--standby':
        opts.standby = value !== 0;
        break;
      default:
        throw new BackendArgsError(`unknown flag ${flag}`);
    }
  }
  return opts;
}

function intParam(url: URL, name: string, fallback: number): number {
  const v = Number(url.searchParams.get(name));
  return url.searchParams.has(name) && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}

function body(size: number): Buffer {
  return Buffer.alloc(size, 'x');
}

export function createBackend(opts: BackendOptions): http.Server {
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    if (url.pathname === '/crash') {
      // A panic mid-request: every open connection (in-flight and idle) gets a RST, then the process dies.
      for (const s of sockets) s.resetAndDestroy();
      process.exit(1);
    }
    // Drain the request body first, as a real app would before answering.
    req.resume();
    req.on('end', () => {
      if (url.pathname === '/health') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      if (url.pathname !== '/ok') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const size = intParam(url, 'size', 128);
      const delay = intParam(url, 'delay', 0);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
        if (size > opts.stallOverBytes) {
          // The first segments get through, the rest vanish on the path: the connection just hangs.
          res.write(body(STALL_PREFIX));
          return;
        }
        res.end(body(size));
      }, delay);
    });
  });
  // The idle close is timed here rather than by server.keepAliveTimeout: Node 20.20 quietly adds a
  // 1 s buffer to that value, and the keepalive race scenario needs the real close time to be exact.
  server.keepAliveTimeout = 0;
  const idleTimers = new Map<Socket, NodeJS.Timeout>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const s = req.socket;
    clearTimeout(idleTimers.get(s));
    idleTimers.delete(s);
    res.on('finish', () => {
      if (s.destroyed || opts.keepAliveTimeoutMs <= 0) return;
      idleTimers.set(s, setTimeout(() => s.destroy(), opts.keepAliveTimeoutMs));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      clearTimeout(idleTimers.get(s));
      idleTimers.delete(s);
    });
  });
  return server;
}

function main(): void {
  let opts: BackendOptions;
  try {
    opts = parseBackendArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`backend: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const server = createBackend(opts);
  server.on('error', (err) => {
    process.stderr.write(`backend: ${err.message}\n`);
    process.exit(3);
  });
  const listen = () =>
    server.listen(opts.port, opts.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      process.stdout.write(JSON.stringify({ port, pid: process.pid }) + '\n');
    });
  process.on('SIGTERM', () => process.exit(0));
  process.stdin.on('end', () => process.exit(0));
  if (opts.standby) {
    process.stdin.once('data', listen);
    process.stdout.write(JSON.stringify({ standby: true, pid: process.pid }) + '\n');
  } else {
    listen();
  }
  process.stdin.resume();
}

if (require.main === module) main();
