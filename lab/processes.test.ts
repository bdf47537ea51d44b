import * as fs from 'node:fs';
import { httpGetText } from './nginx';
import { BackendSupervisor, backendScript } from './processes';

// The supervisor runs the compiled backend (build/lab/backend.js), as the scenarios do.
const sups: BackendSupervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.stop();
});

beforeAll(() => {
  if (!fs.existsSync(backendScript())) throw new Error(`${backendScript()} missing: run \`npm run build\` first`);
});

test('restarts a crashed backend on the same port with a new pid', async () => {
  const sup = await BackendSupervisor.start({ restartDelayMs: 100 });
  sups.push(sup);
  const first = sup.pid;
  expect((await httpGetText(sup.port, '/health')).status).toBe(200);
  expect(await sup.crash()).toBe(first);
  const second = await sup.waitUp();
  expect(second).not.toBe(first);
  expect((await httpGetText(sup.port, '/health')).status).toBe(200);
  expect(sup.lives[0].exitCode).toBe(1);
});

test('SIGKILL is reported as such and also restarted', async () => {
  const sup = await BackendSupervisor.start({ restartDelayMs: 50 });
  sups.push(sup);
  const pid = await sup.kill('SIGKILL');
  expect(sup.lives[0]).toMatchObject({ pid, signal: 'SIGKILL' });
  await sup.waitUp();
  expect(sup.lives).toHaveLength(2);
});

test('without a restart delay a dead backend stays down; stop() is final', async () => {
  const sup = await BackendSupervisor.start();
  sups.push(sup);
  await sup.kill('SIGKILL');
  expect(sup.pid).toBe(-1);
  await sup.stop();
  expect(sup.lives).toHaveLength(1);
});
