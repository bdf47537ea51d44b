import * as net from 'node:net';

/**
 * A loopback port that was free a moment ago. nginx cannot report a port it picked itself, so its
 * listen port (and the "nothing listens here" port of the unreachable scenario) is probed this way;
 * callers that bind it retry on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
