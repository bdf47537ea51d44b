import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendArgsError, STALL_PREFIX, createBackend, parseBackendArgs } from './backend';
import { connect, nextEnding } from './testServers';

describe('parseBackendArgs', () => {
  test('reads the flags', () => {
    expect(parseBackendArgs(['--port', '0', '--keepalive-timeout', '1200', '--stall-over', '16384'])).toEqual({
      port: 0,
      host: '127.0.0.1',
      keepAliveTimeoutMs: 1200,
      stallOverBytes: 16384,
      standby: false,
    });
    expect(parseBackendArgs(['--standby', '1']).standby).toBe(true);
  });
  test('rejects unknown flags and bad numbers', () => {
    expect(() => parseBackendArgs(['--nope', '1'])).toThrow(BackendArgsError);
    expect(() => parseBackendArgs(['--port', 'x'])).toThrow(BackendArgsError);
    expect(() => parseBackendArgs(['--port'])).toThrow(BackendArgsError);
  });
});

describe('createBackend', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = createBackend({ port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 300, stallOverBytes: 10_000, standby: false });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('/ok answers with the asked size after the asked delay', async () => {
    const t0 = Date.now();
    const body = await new Promise<Buffer>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/ok?size=5000&delay=100', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    expect(body.length).toBe(5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });

  test('closes an idle keep-alive connection after exactly its keepalive timeout', async () => {
    const s = await connect(port);
    const ending = nextEnding(s, 5000);
    s.write('GET /ok?size=10 HTTP/1.1\r\nHost: t\r\n\r\n');
    let answeredAt = 0;
    s.once('data', () => (answeredAt = Date.now()));
    expect(await ending).toBe('end');
    const idle = Date.now() - answeredAt;
    expect(idle).toBeGreaterThanOrEqual(280);
    expect(idle).toBeLessThan(900);
    s.destroy();
  });

  test('responses over --stall-over send the header and the first bytes, then hang', async () => {
    const got = await new Promise<{ bytes: number; ended: boolean; length: string | undefined }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/ok?size=50000', agent: false }, (res) => {
        let bytes = 0;
        let ended = false;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (ended = true));
        setTimeout(() => {
          resolve({ bytes, ended, length: res.headers['content-length'] });
          req.destroy();
        }, 400);
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    });
    expect(got).toEqual({ bytes: STALL_PREFIX, ended: false, length: '50000' });
  });
});
