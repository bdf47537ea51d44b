import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackend } from './backend';
import { ClientPlanError, LabClient, statusCounts } from './client';

// The client is tested straight against the backend (no nginx needed for its own behaviour).
let server: http.Server;
let client: LabClient;

beforeAll(async () => {
  server = createBackend({ port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 5000, stallOverBytes: 20_000, standby: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  client = new LabClient((server.address() as AddressInfo).port, 8);
});
afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

test('runs the plan, keeps order in the outcomes, counts bytes', async () => {
  const out = await client.run(
    [
      { method: 'GET', path: '/ok?size=100', tag: 'a' },
      { method: 'POST', path: '/ok?size=200', bodyBytes: 1000, tag: 'b' },
      { method: 'GET', path: '/missing', tag: 'c' },
    ],
    { concurrency: 2 },
  );
  expect(out.map((o) => [o.tag, o.status, o.bytes])).toEqual([
    ['a', 200, 100],
    ['b', 200, 200],
    ['c', 404, 10],
  ]);
  expect(statusCounts(out)).toEqual({ 200: 2, 404: 1 });
});

test('honours planned gaps between sequential requests', async () => {
  const out = await client.run([
    { method: 'GET', path: '/ok?size=1' },
    { method: 'GET', path: '/ok?size=1', gapMs: 200 },
  ]);
  expect(out[1].startedAt - out[0].endedAt).toBeGreaterThanOrEqual(195);
});

test('aborts after the planned time, with no status', async () => {
  const [o] = await client.run([{ method: 'GET', path: '/ok?size=1&delay=2000', abortAfterMs: 100 }]);
  expect(o.aborted).toBe(true);
  expect(o.status).toBe(0);
  expect(o.endedAt - o.startedAt).toBeLessThan(1500);
});

test('marks a response cut short as truncated and stops at the hard deadline', async () => {
  const [o] = await client.run([{ method: 'GET', path: '/ok?size=50000' }], { hardTimeoutMs: 300 });
  expect(o.status).toBe(200);
  expect(o.bytes).toBe(4096);
  expect(o.error).toMatch(/no answer within 300 ms/);
});

test('stopAt bounds the run in time as well as in count', async () => {
  const plan = Array.from({ length: 50 }, () => ({ method: 'GET' as const, path: '/ok?size=1', gapMs: 50 }));
  const out = await client.run(plan, { stopAt: Date.now() + 300 });
  expect(out.length).toBeGreaterThan(0);
  expect(out.length).toBeLessThan(50);
});

test('rejects a partial body without an abort', async () => {
  await expect(client.run([{ method: 'POST', path: '/ok', partialBody: true }])).rejects.toThrow(ClientPlanError);
});
