// Tail latency of `upstream-doctor watch`: lines are appended at a fixed rate and the time until the
// collector has counted them is measured from the outside, the way a scrape would see it. Also the
// collector's CPU share and peak RSS at that rate. Prints figures; judges nothing.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWatch } from '../collector/testing/watchProcess';

export interface TailLatencyResult {
  rate: number;
  seconds: number;
  lines: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuShare: number;
  peakRssMb: number;
}

const CLK_TCK = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function accessLine(n: number, ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (x: number) => String(x).padStart(2, '0');
  return (
    `10.1.0.1 - - [${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000] ` +
    `"GET /r/${n} HTTP/1.1" 200 120 "-" "bench" rt=0.002 msec=${(ms / 1000).toFixed(3)} upstream_addr="10.0.0.${n % 4}:8080" ` +
    `upstream_status="200" upstream_connect_time="0.000" upstream_header_time="0.001" upstream_response_time="0.002" upstream_bytes_received="300"`
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureTailLatency(rate = 20_000, seconds = 20): Promise<TailLatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ud-tail-bench-'));
  const log = join(dir, 'access.log');
  writeFileSync(log, '');
  const w = await startWatch(['--access', log, '--start-at', 'beginning']);
  const pid = w.child.pid!;
  // Batches of `rate / 100` lines every 10 ms; each batch remembers when it was written.
  const batches: Array<{ at: number; total: number }> = [];
  let written = 0;
  let counted = 0;
  const latencies: number[] = [];
  let done = false;
  const probe = (async () => {
    let next = 0;
    while (!done || next < batches.length) {
      const res = await fetch(`${w.base}/healthz`).then((r) => r.json() as Promise<{ lines: { access: number } }>);
      counted = res.lines.access;
      const now = performance.now();
      while (next < batches.length && batches[next].total <= counted) latencies.push(now - batches[next++].at);
      await sleep(5);
    }
  })();
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const tick = performance.now();
    const lines: string[] = [];
    const now = Date.now();
    for (let i = 0; i < rate / 100; i++) lines.push(accessLine(n++, now));
    appendFileSync(log, lines.join('\n') + '\n');
    written += lines.length;
    batches.push({ at: performance.now(), total: written });
    await sleep(Math.max(0, 10 - (performance.now() - tick)));
  }
  done = true;
  await probe;
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const rss = peakRssMb(pid);
  await w.stop();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rate, seconds, lines: written, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: latencies[latencies.length - 1], cpuShare: cpu / wall, peakRssMb: rss };
}

if (require.main === module) {
  const rate = Number(process.argv[2] ?? 20_000);
  const seconds = Number(process.argv[3] ?? 20);
  measureTailLatency(rate, seconds).then((r) => console.log(JSON.stringify(r)));
}
