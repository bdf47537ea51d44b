import { Middlebox } from './middlebox';
import { pollUntil } from './poll';
import { connect, nextData, nextEnding, startEcho, type EchoServer } from './testServers';

let echo: EchoServer;
const boxes: Middlebox[] = [];

beforeEach(async () => {
  echo = await startEcho();
});
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close();
  await echo.close();
});

async function box(idleMs: number): Promise<Middlebox> {
  const b = await Middlebox.start({ targetPort: echo.port, idleMs });
  boxes.push(b);
  return b;
}

test('forwards both ways while the flow is live', async () => {
  const b = await box(5000);
  const s = await connect(b.port);
  s.write('hello');
  expect((await nextData(s)).toString()).toBe('hello');
  expect(b.liveFlows).toBe(1);
  s.destroy();
});

test('forgets an idle flow silently and answers the next packet with a reset', async () => {
  const b = await box(150);
  const s = await connect(b.port);
  s.write('a');
  await nextData(s);
  let heard = false;
  s.on('end', () => (heard = true));
  await pollUntil('flow forgotten', async () => b.liveFlows === 0, { timeoutMs: 3000 });
  // Forgetting reached the backend (its side is gone) but not the client.
  await pollUntil('backend side closed', async () => echo.closed === 1, { timeoutMs: 3000 });
  expect(heard).toBe(false);
  const ending = nextEnding(s);
  s.write('b');
  expect(await ending).toBe('ECONNRESET');
  expect(b.events.map((e) => e.kind)).toEqual(['forgotten', 'reset']);
  expect(b.events[1].idleMs).toBeGreaterThanOrEqual(150);
});

test('traffic keeps a flow alive', async () => {
  const b = await box(300);
  const s = await connect(b.port);
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    s.write(`x${i}`);
    expect((await nextData(s)).toString()).toBe(`x${i}`);
  }
  expect(b.events).toHaveLength(0);
  s.destroy();
});

test('flush() drops every flow at once; new flows work', async () => {
  const b = await box(Infinity);
  const a = await connect(b.port);
  const c = await connect(b.port);
  a.write('1');
  c.write('2');
  await Promise.all([nextData(a), nextData(c)]);
  expect(b.flush()).toBe(2);
  const ending = nextEnding(a);
  a.write('again');
  expect(await ending).toBe('ECONNRESET');
  const fresh = await connect(b.port);
  fresh.write('new');
  expect((await nextData(fresh)).toString()).toBe('new');
  c.destroy();
  fresh.destroy();
});
