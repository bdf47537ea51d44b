// `watch` as a user runs it: a real child process tailing real files, read back through /metrics.
// Rotation under load, kill -9 and resume, garbage in a live log, more upstreams than the cap, SIGHUP.
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPSTREAM_DOCTOR_FORMAT } from '../parse/access/namedFormats';
import { startNginx } from '../../lab/nginx';
import { STATUS_PATH } from '../../lab/nginxConf';
import { startWatch, sumOf, waitFor, type WatchProcess } from '../testing/watchProcess';

jest.setTimeout(180_000);

const SECONDS = Number(process.env.UD_RELIABILITY_SECONDS ?? 60);
const RATE = 20_000;

let seq = 0;
/** One access line in the lab's format; `addr` varies the upstream, `status` the outcome. */
function line(addr = '10.0.0.5:8080', status = 200): string {
  const n = seq++;
  const ms = Date.now();
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (x: number) => String(x).padStart(2, '0');
  const local = `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  return (
    `10.1.0.1 - - [${local}] "GET /r/${n} HTTP/1.1" ${status} 120 "-" "load" rt=0.002 msec=${(ms / 1000).toFixed(3)} ` +
    `upstream_addr="${addr}" upstream_status="${status}" upstream_connect_time="0.000" upstream_header_time="0.001" ` +
    `upstream_response_time="0.002" upstream_bytes_received="300"`
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const accessLines = async (w: WatchProcess) => sumOf(await w.metrics(), 'upstream_doctor_lines_total', { source: 'access' });

describe('watch under rotation at 20k lines/s', () => {
  it(`counts every line written over ${SECONDS} s across rename, copytruncate and delete+recreate`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-rot-'));
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const w = await startWatch(['--access', log, '--start-at', 'beginning']);
    let written = 0;
    let paused = false;
    const writeFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const tick = Date.now();
        if (!paused) {
          const batch: string[] = [];
          for (let i = 0; i < RATE / 100; i++) batch.push(line());
          appendFileSync(log, batch.join('\n') + '\n');
          written += batch.length;
        }
        await sleep(Math.max(0, 10 - (Date.now() - tick)));
      }
    };
    try {
      const phase = (SECONDS * 1000) / 4;
      await writeFor(phase);
      renameSync(log, `${log}.1`); // logrotate `create`: the writer's next append makes a new file
      await writeFor(phase);
      // copytruncate drops what is written between its copy and its truncate, whoever reads the log; the
      // test pauses the writer and lets the collector catch up so the count can be exact.
      paused = true;
      await waitFor('collector to catch up before copytruncate', async () => (await accessLines(w)) === written);
      copyFileSync(log, `${log}.2`);
      truncateSync(log, 0);
      paused = false;
      await writeFor(phase);
      unlinkSync(log);
      await writeFor(phase);
      await waitFor(`all ${written} lines counted`, async () => (await accessLines(w)) >= written, 60_000);
      await sleep(500);
      const m = await w.metrics();
      expect(sumOf(m, 'upstream_doctor_lines_total', { source: 'access' })).toBe(written);
      expect(sumOf(m, 'upstream_doctor_requests_total')).toBe(written);
      expect(sumOf(m, 'upstream_doctor_parse_errors_total')).toBe(0);
      expect(written).toBeGreaterThan(RATE * SECONDS * 0.5);
    } finally {
      await w.stop();
    }
  });
});

describe('watch after kill -9', () => {
  it('resumes from its checkpoint with counts equal to one clean pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-kill-'));
    const log = join(dir, 'access.log');
    const total = 600_000;
    const lines: string[] = [];
    for (let i = 0; i < total; i++) lines.push(line(`10.0.0.${i % 4}:8080`, i % 50 === 0 ? 502 : 200));
    writeFileSync(log, lines.join('\n') + '\n');
    const args = ['--access', log, '--start-at', 'beginning', '--checkpoint', join(dir, 'cp.json')];

    const first = await startWatch(args);
    // Kill it after its first checkpoint and before the end of the file: lines read after the checkpoint
    // must be read again, and counted once.
    await waitFor('a first checkpoint', async () => existsSync(join(dir, 'cp.json')), 60_000, 5);
    const before = await accessLines(first);
    await first.stop('SIGKILL');
    expect(before).toBeLessThan(total);
    const second = await startWatch(args);
    const clean = await startWatch(['--access', log, '--start-at', 'beginning']);
    try {
      await waitFor('resumed run to finish', async () => (await accessLines(second)) >= total, 90_000);
      await waitFor('clean run to finish', async () => (await accessLines(clean)) >= total, 90_000);
      await sleep(300);
      const a = await second.metrics();
      const b = await clean.metrics();
      for (const name of ['upstream_doctor_lines_total', 'upstream_doctor_requests_total', 'upstream_doctor_upstream_attempts_total']) {
        expect(sumOf(a, name)).toBe(sumOf(b, name));
      }
      expect(sumOf(a, 'upstream_doctor_requests_total', { status: '502' })).toBe(total / 50);
      expect(sumOf(a, 'upstream_doctor_lines_total', { source: 'access' })).toBe(total);
    } finally {
      await second.stop();
      await clean.stop();
    }
  });
});

describe('watch on bad input', () => {
  it('counts 10⁵ garbage and truncated lines in a live log as parse errors and keeps going', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-garbage-'));
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    // The format is named, as with --nginx-conf in production: left to detection, a line cut just after
    // its user agent is a valid `combined` line.
    const w = await startWatch(['--access', log, '--start-at', 'beginning', '--log-format', UPSTREAM_DOCTOR_FORMAT]);
    try {
      let good = 0;
      let bad = 0;
      for (let round = 0; round < 20; round++) {
        const batch: string[] = [];
        for (let i = 0; i < 5000; i++) {
          const kind = i % 5;
          if (kind === 0) {
            batch.push(line());
            good++;
          } else {
            batch.push(kind === 1 ? line().slice(0, 40 + (i % 60)) : kind === 2 ? '\u0000\u0001garbage\u00ff' : kind === 3 ? '{"not": "a log"' : `x${'y'.repeat(i % 300)}`);
            bad++;
          }
        }
        appendFileSync(log, batch.join('\n') + '\n');
      }
      await waitFor('all lines read', async () => (await accessLines(w)) >= good + bad, 60_000);
      const m = await w.metrics();
      expect(bad).toBeGreaterThanOrEqual(80_000);
      expect(sumOf(m, 'upstream_doctor_parse_errors_total', { source: 'access' })).toBe(bad);
      expect(sumOf(m, 'upstream_doctor_requests_total')).toBe(good);
      expect(w.child.exitCode).toBeNull();
    } finally {
      await w.stop();
    }
  });

  it('keeps series under the cap with 10⁴ distinct upstream addresses and counts the fold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-card-'));
    const log = join(dir, 'access.log');
    const n = 10_000;
    const batch: string[] = [];
    for (let i = 0; i < n; i++) batch.push(line(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80`));
    writeFileSync(log, batch.join('\n') + '\n');
    const w = await startWatch(['--access', log, '--start-at', 'beginning']);
    try {
      await waitFor('all lines read', async () => (await accessLines(w)) >= n, 60_000);
      const m = await w.metrics();
      const upstreams = new Set([...m.keys()].map((k) => /upstream="([^"]*)"/.exec(k)?.[1]).filter(Boolean));
      expect(upstreams.size).toBeLessThanOrEqual(64 + 1);
      expect(upstreams.has('other')).toBe(true);
      expect(sumOf(m, 'upstream_doctor_series_folded_total')).toBe(n - 64);
      expect(sumOf(m, 'upstream_doctor_requests_total')).toBe(n);
    } finally {
      await w.stop();
    }
  });
});

describe('watch with stub_status', () => {
  it('polls a real nginx and reports the Writing share in /metrics and the diagnosis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-stub-'));
    const nginx = await startNginx({ dir: join(dir, 'nginx'), groups: [], locations: [] });
    const log = join(dir, 'access.log');
    writeFileSync(log, [line(), line(), line()].join('\n') + '\n');
    const cfg = join(dir, 'ud.yaml');
    writeFileSync(cfg, `stub_status: http://127.0.0.1:${nginx.port}${STATUS_PATH}\nstub_status_interval: 200ms\n`);
    const w = await startWatch(['--config', cfg, '--access', log, '--start-at', 'beginning']);
    try {
      await waitFor('a stub_status poll', async () => sumOf(await w.metrics(), 'upstream_doctor_stub_status_up') === 1, 20_000);
      await waitFor('the lines', async () => (await accessLines(w)) === 3, 20_000);
      const d = await (await fetch(`${w.base}/api/diagnosis`)).json();
      // An idle nginx: the one writing connection is the poll itself, which the share leaves out.
      expect(d.series.writing_share).toBe(0);
      expect(sumOf(await w.metrics(), 'upstream_doctor_nginx_connections', { state: 'active' })).toBeGreaterThanOrEqual(1);
      await nginx.stop();
      await waitFor('stub_status down after nginx stops', async () => sumOf(await w.metrics(), 'upstream_doctor_stub_status_up') === 0, 20_000);
      expect(w.stderr()).toMatch(/stub_status/);
      expect(w.child.exitCode).toBeNull();
    } finally {
      await w.stop();
      await nginx.stop();
    }
  });
});

describe('watch and SIGHUP', () => {
  it('saves the checkpoint, re-reads the nginx config and keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-hup-'));
    const log = join(dir, 'access.log');
    const conf = join(dir, 'nginx.conf');
    const checkpoint = join(dir, 'checkpoint.json');
    const nginxConf = (readTimeout: string) =>
      `events {}\nhttp {\n  upstream app { server 10.0.0.5:8080; }\n  server {\n    listen 127.0.0.1:8080;\n` +
      `    location / { proxy_pass http://app; proxy_read_timeout ${readTimeout}; }\n  }\n}\n`;
    writeFileSync(conf, nginxConf('30s'));
    writeFileSync(log, [line(), line()].join('\n') + '\n');
    const w = await startWatch(['--access', log, '--nginx-conf', conf, '--checkpoint', checkpoint, '--start-at', 'beginning', '--log-format', UPSTREAM_DOCTOR_FORMAT]);
    const readTimeout = async () => sumOf(await w.metrics(), 'upstream_doctor_proxy_read_timeout_seconds', { upstream: '10.0.0.5:8080' });
    try {
      await waitFor('the first lines', async () => (await accessLines(w)) === 2, 20_000);
      expect(await readTimeout()).toBe(30);
      writeFileSync(conf, nginxConf('75s'));
      w.child.kill('SIGHUP');
      await waitFor('the reload', async () => /re-read /.test(w.stderr()), 20_000);
      expect(w.child.exitCode).toBeNull();
      expect(JSON.parse(readFileSync(checkpoint, 'utf8')).positions.length).toBeGreaterThan(0);
      appendFileSync(log, line() + '\n');
      await waitFor('the line after the reload', async () => (await accessLines(w)) === 3, 20_000);
      await waitFor('the new proxy_read_timeout', async () => (await readTimeout()) === 75, 20_000);

      // A config that no longer parses is reported, and the one in use stays.
      writeFileSync(conf, 'http { upstream app { server ');
      w.child.kill('SIGHUP');
      await waitFor('the refusal', async () => /kept the nginx config in use/.test(w.stderr()), 20_000);
      expect((await fetch(`${w.base}/healthz`)).status).toBe(200);
    } finally {
      expect(await w.stop()).toBe(0);
    }
  });
});

describe('watch reads every log the way diagnose does', () => {
  it('parses two access logs written in different formats, each in its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-formats-'));
    const site = join(dir, 'site.log');
    const api = join(dir, 'api.log');
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      `events {}\nhttp {\n  log_format short '$remote_addr [$time_local] "$request" $status $upstream_addr';\n` +
        `  log_format timed '$msec $status "$request" $upstream_addr $upstream_response_time';\n` +
        `  upstream app { server 10.0.0.5:8080; }\n  server {\n    listen 127.0.0.1:8080;\n    access_log ${site} short;\n` +
        `    location /api { proxy_pass http://app; access_log ${api} timed; }\n  }\n}\n`,
    );
    const now = Date.now();
    writeFileSync(site, `10.1.1.1 [${new Date(now).toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4')} +0000] "GET /a HTTP/1.1" 200 10.0.0.5:8080\n`);
    writeFileSync(api, `${(now / 1000).toFixed(3)} 502 "GET /api HTTP/1.1" 10.0.0.5:8080 0.003\n`);
    const w = await startWatch(['--access', site, api, '--nginx-conf', conf, '--start-at', 'beginning']);
    try {
      await waitFor('both lines', async () => (await accessLines(w)) === 2, 20_000);
      const m = await w.metrics();
      expect(sumOf(m, 'upstream_doctor_parse_errors_total', { source: 'access' })).toBe(0);
      expect(sumOf(m, 'upstream_doctor_requests_total', { upstream: '10.0.0.5:8080' })).toBe(2);
      const health = (await (await fetch(`${w.base}/healthz`)).json()) as { lines: { access: number } };
      expect(health.lines.access).toBe(2);
    } finally {
      await w.stop();
    }
  });

  it('counts a line longer than the limit as a parse error of source too_long, in /metrics and /healthz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-long-'));
    const log = join(dir, 'access.log');
    writeFileSync(log, [line(), `${'x'.repeat(200_000)}`, line()].join('\n') + '\n');
    const w = await startWatch(['--access', log, '--start-at', 'beginning']);
    try {
      await waitFor('the two good lines', async () => (await accessLines(w)) === 2, 20_000);
      await waitFor('the dropped line', async () => sumOf(await w.metrics(), 'upstream_doctor_parse_errors_total', { source: 'too_long' }) === 1, 20_000);
      const health = (await (await fetch(`${w.base}/healthz`)).json()) as { parse_errors: { too_long: number } };
      expect(health.parse_errors.too_long).toBe(1);
    } finally {
      await w.stop();
    }
  });
});
