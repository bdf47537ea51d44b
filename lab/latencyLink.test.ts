import { LatencyLink } from './latencyLink';
import { connect, nextData, nextEnding, startEcho, type EchoServer } from './testServers';

const DELAY = 120;
let echo: EchoServer;
let link: LatencyLink;

beforeEach(async () => {
  echo = await startEcho();
  link = await LatencyLink.start({ targetPort: echo.port, delayMs: DELAY });
});
afterEach(async () => {
  await link.close();
  await echo.close();
});

test('a round trip takes twice the one-way delay', async () => {
  const s = await connect(link.port);
  const t0 = Date.now();
  s.write('ping');
  expect((await nextData(s)).toString()).toBe('ping');
  const rtt = Date.now() - t0;
  expect(rtt).toBeGreaterThanOrEqual(2 * DELAY - 5);
  expect(rtt).toBeLessThan(2 * DELAY + 2000);
  s.destroy();
});

test("the backend's FIN arrives one delay later", async () => {
  const s = await connect(link.port);
  s.write('x');
  await nextData(s);
  const t0 = Date.now();
  const ending = nextEnding(s);
  for (const b of echo.sockets) b.end();
  expect(await ending).toBe('end');
  expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY - 5);
});

test('a reset from the backend becomes a reset towards the client, one delay later', async () => {
  const s = await connect(link.port);
  s.write('x');
  await nextData(s);
  const t0 = Date.now();
  const ending = nextEnding(s);
  for (const b of echo.sockets) b.resetAndDestroy();
  expect(await ending).toBe('ECONNRESET');
  expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY - 5);
  expect(link.stats.resetsRelayed).toBe(1);
});

test('a reset from the client reaches the backend as a reset', async () => {
  const s = await connect(link.port);
  s.write('x');
  await nextData(s);
  const [backend] = [...echo.sockets];
  const ending = nextEnding(backend);
  const t0 = Date.now();
  s.resetAndDestroy();
  expect(await ending).toBe('ECONNRESET');
  expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY - 5);
});
