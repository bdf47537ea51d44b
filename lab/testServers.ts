// Small real servers the lab's unit tests put behind the relays.
import * as net from 'node:net';

export interface EchoServer {
  port: number;
  /** Sockets the server has seen close. */
  closed: number;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/** Echoes every byte back; `allowHalfOpen` so a FIN from the client does not close the echo side. */
export function startEcho(): Promise<EchoServer> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const state = { closed: 0 };
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.add(s);
      s.on('data', (c) => s.write(c));
      // Like an HTTP server: a FIN from the peer closes the connection (the server may also close first).
      s.on('end', () => s.end());
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        state.closed++;
      });
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        get closed() {
          return state.closed;
        },
        sockets,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the next chunk the socket receives. */
export function nextData(s: net.Socket, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no data')), timeoutMs);
    s.once('data', (c: Buffer) => {
      clearTimeout(t);
      resolve(c);
    });
  });
}

/** Resolves with how the socket ended: 'end' (FIN), or the error code (ECONNRESET, …). */
export function nextEnding(s: net.Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket neither ended nor failed')), timeoutMs);
    s.once('end', () => {
      clearTimeout(t);
      resolve('end');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code ?? e.message);
    });
  });
}
