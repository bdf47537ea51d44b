// stub_status: the parser on fixtures, the poller against small local HTTP servers that misbehave in
// set ways, and the whole path against the real Debian nginx — stopped and started again under it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NGINX_BIN, httpGetText, startNginx, type NginxHandle } from '../../lab/nginx';
import { STATUS_PATH } from '../../lab/nginxConf';
import { pollUntil } from '../../lab/poll';
import { parseExposition } from '../testing/exposition';
import { METRICS } from '../metrics/catalogue';
import { PrometheusExporter } from '../metrics/prometheus';
import { StubStatusError, StubStatusPoller, parseStubStatus, writingShare, type StubStatusSample } from './stubStatus';

// As nginx 1.22 prints it: trailing spaces on three lines, `\n` line ends.
const NGINX_PAGE = 'Active connections: 291 \nserver accepts handled requests\n 16630948 16630948 31070465 \nReading: 6 Writing: 179 Waiting: 106 \n';

describe('parseStubStatus', () => {
  it('reads the page nginx prints', () => {
    expect(parseStubStatus(NGINX_PAGE)).toEqual({
      active: 291,
      accepted: 16630948,
      handled: 16630948,
      requests: 31070465,
      reading: 6,
      writing: 179,
      waiting: 106,
    });
  });

  it('reads it through a proxy that rewrote line ends', () => {
    expect(parseStubStatus(NGINX_PAGE.replace(/\n/g, '\r\n'))?.requests).toBe(31070465);
  });

  it.each([
    ['an empty body', ''],
    ['an HTML page', '<html><body><h1>Welcome to nginx!</h1></body></html>'],
    ['JSON', '{"connections":{"active":3}}'],
    ['a page without the states line', NGINX_PAGE.split('Reading')[0]],
    ['a page without the counters', NGINX_PAGE.replace(/ 16630948 16630948 31070465 \n/, '')],
    ['words where numbers go', NGINX_PAGE.replace('291', 'many')],
    ['negative numbers', NGINX_PAGE.replace('Writing: 179', 'Writing: -1')],
    ['numbers beyond exact integers', NGINX_PAGE.replace('31070465', '99999999999999999999')],
    ['a huge body', NGINX_PAGE + 'x'.repeat(20_000)],
    ['binary noise', '\u0000\u0001\uffff'.repeat(50)],
  ])('returns null for %s', (_what, body) => {
    expect(parseStubStatus(body)).toBeNull();
  });
});

describe('writingShare', () => {
  const counts = (active: number, writing: number) => ({ active, writing, reading: 0, waiting: active - writing, accepted: 0, handled: 0, requests: 0 });
  it('leaves out the poll, which nginx counts as one active, writing connection', () => {
    expect(writingShare(counts(1, 1))).toBe(0); // idle nginx: only the poll itself
    expect(writingShare(counts(11, 6))).toBe(0.5);
    expect(writingShare(counts(10, 10))).toBe(1);
    expect(writingShare(counts(0, 0))).toBe(0);
    expect(writingShare(counts(3, 9))).toBe(1); // never above 1, whatever the page says
  });
});

type Behaviour = 'page' | 'garbage' | 'error500' | 'hang';

/** A local HTTP server whose answer the test switches. */
async function fakeNginx(): Promise<{ url: string; set: (b: Behaviour) => void; close: () => Promise<void> }> {
  let behaviour: Behaviour = 'page';
  const server = http.createServer((_req, res) => {
    if (behaviour === 'page') res.end(NGINX_PAGE);
    else if (behaviour === 'garbage') res.end('<html>not it</html>');
    else if (behaviour === 'error500') {
      res.statusCode = 500;
      res.end('oops');
    } // 'hang': never answers; closed by the client's timeout
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://watcher:s3cret@127.0.0.1:${port}/nginx_status`,
    set: (b) => (behaviour = b),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function recorder() {
  const samples: StubStatusSample[] = [];
  const errors: StubStatusError[] = [];
  const log: string[] = [];
  return {
    samples,
    errors,
    log,
    opts: { onSample: (s: StubStatusSample) => samples.push(s), onError: (e: StubStatusError) => errors.push(e), log: (l: string) => log.push(l) },
  };
}

describe('StubStatusPoller', () => {
  it('refuses a URL it cannot poll with a one-line error', () => {
    expect(() => new StubStatusPoller({ url: 'not a url', onSample: () => {} })).toThrow(StubStatusError);
    expect(() => new StubStatusPoller({ url: 'ftp://127.0.0.1/status', onSample: () => {} })).toThrow(/http or https/);
  });

  it('reports every failed poll but logs one line per change of state, never the credentials', async () => {
    const srv = await fakeNginx();
    const r = recorder();
    const poller = new StubStatusPoller({ url: srv.url, timeoutMs: 300, intervalMs: 1000, ...r.opts });
    try {
      expect(poller.up).toBeNull();
      expect(await poller.pollOnce()).not.toBeNull();
      expect(poller.up).toBe(true);
      expect(r.log).toEqual([]); // the first good poll is not a change worth a line

      for (const b of ['garbage', 'error500', 'hang', 'garbage'] as const) {
        srv.set(b);
        expect(await poller.pollOnce()).toBeNull();
      }
      expect(poller.up).toBe(false);
      expect(r.errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/not a stub_status page/),
        expect.stringMatching(/HTTP 500/),
        expect.stringMatching(/no answer within 300 ms/),
        expect.stringMatching(/not a stub_status page/),
      ]);
      expect(r.log).toHaveLength(1);
      expect(r.log[0]).toMatch(/^stub_status http:\/\/127\.0\.0\.1:\d+\/nginx_status: answer is not a stub_status page.*up=0.*still polling/);

      srv.set('page');
      const back = await poller.pollOnce();
      expect(back?.requests).toBe(31070465);
      expect(r.log).toHaveLength(2);
      expect(r.log[1]).toMatch(/reachable again after \d+\.\d s$/);
      expect(r.log.join(' ')).not.toMatch(/s3cret|watcher/);
      expect(r.samples).toHaveLength(2);
    } finally {
      await poller.stop();
      await srv.close();
    }
  });

  it('says so when nothing listens, and keeps polling on its interval until stopped', async () => {
    const srv = await fakeNginx();
    const url = srv.url;
    await srv.close(); // the port is now closed: connection refused
    const r = recorder();
    const poller = new StubStatusPoller({ url, intervalMs: 50, timeoutMs: 40, ...r.opts });
    poller.start();
    try {
      await pollUntil('five failed polls', async () => r.errors.length >= 5, { timeoutMs: 5000 });
    } finally {
      await poller.stop();
    }
    const after = r.errors.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.errors.length).toBe(after); // stopped means stopped
    expect(r.errors[0].message).toMatch(/ECONNREFUSED/);
    expect(r.log).toHaveLength(1);
  });
});

describe('StubStatusPoller against the real nginx', () => {
  let dir = '';
  let nginx: NginxHandle | null = null;
  let restarted: ChildProcess | null = null;

  beforeAll(() => {
    if (!fs.existsSync(NGINX_BIN)) throw new Error(`nginx binary ${NGINX_BIN} missing (apt-get install nginx)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-status-test-'));
  });

  afterAll(async () => {
    await nginx?.stop();
    if (restarted) await stopChild(restarted);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follows nginx through traffic, a stop and a start, with up and one log line per change', async () => {
    nginx = await startNginx({ dir, groups: [], locations: [] });
    const port = nginx.port;
    const exporter = new PrometheusExporter({ processMetrics: false });
    const r = recorder();
    const poller = new StubStatusPoller({
      url: `http://127.0.0.1:${port}${STATUS_PATH}`,
      intervalMs: 100,
      timeoutMs: 1000,
      onSample: (s) => {
        r.samples.push(s);
        exporter.setStubStatus(s);
      },
      onError: (e) => {
        r.errors.push(e);
        exporter.setStubStatus(null);
      },
      log: (l) => r.log.push(l),
    });
    const scrape = async () => parseExposition(await exporter.metrics());
    const value = async (name: string, labels: Record<string, string> = {}) =>
      (await scrape()).get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

    poller.start();
    try {
      const first = await pollUntil('a first sample', async () => r.samples[0], { timeoutMs: 5000 });
      // The poll itself is the one active, writing connection of an otherwise idle nginx.
      expect(first.active).toBeGreaterThanOrEqual(1);
      expect(first.writing).toBeGreaterThanOrEqual(1);
      expect(first.writingShare).toBe(0);
      expect(await value(METRICS.stubUp.name)).toBe(1);

      const N = 25;
      for (let i = 0; i < N; i++) expect((await httpGetText(port, `/missing-${i}`)).status).toBe(404);
      const moved = await pollUntil(
        'stub_status to show the traffic',
        async () => r.samples.find((s) => s.requests >= first.requests + N && s.accepted >= first.accepted + N),
        { timeoutMs: 5000 },
      );
      expect(moved.handled).toBe(moved.accepted);
      const requestsBefore = (await value(METRICS.nginxRequests.name))!;
      expect(requestsBefore).toBeGreaterThanOrEqual(first.requests + N);

      await nginx.stop();
      nginx = null;
      await pollUntil('up to drop', async () => poller.up === false, { timeoutMs: 5000 });
      const errorsAtDrop = r.errors.length;
      await pollUntil('more failed polls', async () => r.errors.length >= errorsAtDrop + 5, { timeoutMs: 5000 });
      expect(r.log).toHaveLength(1);
      expect(r.log[0]).toMatch(/ECONNREFUSED.*up=0/);
      expect(await value(METRICS.stubUp.name)).toBe(0);

      restarted = await restartNginx(dir, port);
      await pollUntil('up again', async () => poller.up === true, { timeoutMs: 5000 });
      expect(r.log).toHaveLength(2);
      expect(r.log[1]).toMatch(/reachable again/);
      expect(await value(METRICS.stubUp.name)).toBe(1);
      // nginx's own counters began again at zero; the exported counter did not go back.
      const latest = r.samples[r.samples.length - 1];
      expect(latest.requests).toBeLessThan(moved.requests);
      expect((await value(METRICS.nginxRequests.name))!).toBeGreaterThan(requestsBefore);
    } finally {
      await poller.stop();
    }
  }, 60_000);
});

/**
 * Starts nginx again on the configuration startNginx wrote, so it listens on the same port the poller
 * polls (startNginx itself always probes a new port).
 */
async function restartNginx(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(NGINX_BIN, ['-c', path.join(dir, 'nginx.conf'), '-p', dir + path.sep, '-e', path.join(dir, 'error.log')], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  try {
    await pollUntil(
      `nginx again on 127.0.0.1:${port}`,
      async () => {
        if (exited) throw new Error('nginx exited on restart');
        return (await httpGetText(port, STATUS_PATH, 1000)).status === 200;
      },
      { timeoutMs: 10_000 },
    );
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  for (const signal of ['SIGQUIT', 'SIGKILL'] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const done = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (done) return;
  }
}
