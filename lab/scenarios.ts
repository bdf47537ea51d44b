// One function per cause: each builds the fault with real parts, drives traffic through real nginx and
// returns where the logs are once nginx has stopped. The log lines are nginx's own; the only line the lab
// writes is the kernel's OOM report (see kernelLog.ts).
import type { PlannedRequest } from './client';
import { appendOomKill, readVictim } from './kernelLog';
import { runLab, type ScenarioResult } from './labRun';
import { freePort } from './ports';
import { sleep } from './poll';
import { rng, type Rng } from './random';

export type { ScenarioResult, CauseId } from './labRun';

const get = (path: string, extra: Partial<PlannedRequest> = {}): PlannedRequest => ({ method: 'GET', path, ...extra });
const post = (path: string, extra: Partial<PlannedRequest> = {}): PlannedRequest => ({ method: 'POST', path, ...extra });
const ok = (size: number, delay = 0) => `/ok?size=${size}&delay=${delay}`;

/** A steady mix of small GETs and POSTs. */
function steadyMix(r: Rng, n: number, delay: [number, number], gap: [number, number]): PlannedRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const extra = { gapMs: r.int(gap[0], gap[1]) };
    const path = ok(r.int(200, 6000), r.int(delay[0], delay[1]));
    return i % 4 === 3 ? post(path, { ...extra, bodyBytes: r.int(200, 3000) }) : get(path, extra);
  });
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}

/** Keepalive pool, aligned timeouts, nothing goes wrong. */
export function healthy(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'healthy', 'healthy', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 75_000 });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 30 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const plan = steadyMix(rng(1), 300, [0, 30], [0, 15]);
    const outcomes = await lab.client().run(plan, { concurrency: 6 });
    return { outcomes };
  });
}

/**
 * The backend panics three times under load, resetting every connection it holds; the supervisor brings
 * it back 300 ms later. Slow requests are always in flight when it dies.
 */
export function backendCrash(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'backend_crash', 'backend_crash', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 75_000, restartDelayMs: 300 });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 30 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(2);
    const t0 = Date.now();
    const stopAt = t0 + 8000;
    const fast = steadyMix(r, 600, [10, 60], [30, 100]);
    const slow = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? post : get)(ok(2000, r.int(900, 1400)), { gapMs: r.int(150, 300), tag: 'slow' }),
    );
    const crashes: Array<{ pid: number; at: number; restartedPid: number; upAt: number }> = [];
    const faults = (async () => {
      for (const at of [1500, 3600, 5700]) {
        await sleepUntil(t0 + at);
        const when = Date.now();
        const pid = await be.crash();
        const restartedPid = await be.waitUp();
        crashes.push({ pid, at: when, restartedPid, upAt: Date.now() });
      }
    })();
    const [a, b] = await Promise.all([
      lab.client().run(fast, { concurrency: 4, stopAt }),
      lab.client().run(slow, { concurrency: 2, stopAt }),
      faults,
    ]);
    return { outcomes: [...a, ...b], facts: { crashes } };
  });
}

/** The OOM killer SIGKILLs the backend twice under load; the kernel's report goes to kern.log. */
export function oomKill(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'oom_kill', 'oom_kill', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 75_000, restartDelayMs: 300 });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 30 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(3);
    const t0 = Date.now();
    const stopAt = t0 + 6500;
    const fast = steadyMix(r, 500, [10, 60], [30, 100]);
    const slow = Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? post : get)(ok(2000, r.int(900, 1400)), { gapMs: r.int(150, 300), tag: 'slow' }),
    );
    const kills: Array<{ pid: number; comm: string; at: number; restartedPid: number; upAt: number }> = [];
    const faults = (async () => {
      for (const at of [1500, 4000]) {
        await sleepUntil(t0 + at);
        const victim = readVictim(be.pid);
        const when = new Date();
        await be.kill('SIGKILL');
        appendOomKill(lab.kernelLogPath, victim, when);
        const restartedPid = await be.waitUp();
        kills.push({ pid: victim.pid, comm: victim.comm, at: when.getTime(), restartedPid, upAt: Date.now() });
      }
    })();
    const [a, b] = await Promise.all([
      lab.client().run(fast, { concurrency: 4, stopAt }),
      lab.client().run(slow, { concurrency: 2, stopAt }),
      faults,
    ]);
    return { outcomes: [...a, ...b], facts: { kills } };
  });
}

/** Backend idle close (ms) and one-way delay (ms) of the keepalive race; the race band is [T-2L, T). */
export const RACE = { backendKeepaliveMs: 1200, oneWayDelayMs: 200 } as const;

/**
 * The backend closes idle connections after 1.2 s, nginx keeps them 60 s. Behind a 200 ms wire, a request
 * sent 0.8–1.2 s after the previous one leaves nginx before the backend's FIN arrives and reaches the
 * backend after it closed. Gaps above 1.2 s find the FIN already seen: nginx dropped that connection and
 * opens a new one.
 */
export function keepaliveIdleRace(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'keepalive_idle_race', 'keepalive_idle_race', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: RACE.backendKeepaliveMs });
    const link = await lab.link({ targetPort: be.port, delayMs: RACE.oneWayDelayMs });
    await lab.nginx(
      [{ name: 'app', servers: [link.addr], keepalive: 8, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(4);
    const T = RACE.backendKeepaliveMs;
    const L = RACE.oneWayDelayMs;
    // Gaps centred in the band [T-2L, T): 150 ms of slack on both edges for a loaded machine.
    const raceGap = () => r.int(T - L - 50, T - L + 50);
    const body: PlannedRequest[] = [
      ...Array.from({ length: 20 }, (_, i) =>
        (i % 4 === 3 ? post : get)(ok(r.int(300, 3000)), { gapMs: r.int(50, 250), tag: 'short' }),
      ),
      ...Array.from({ length: 8 }, () => post(ok(r.int(300, 3000)), { gapMs: raceGap(), tag: 'race' })),
      ...Array.from({ length: 2 }, () => get(ok(r.int(300, 3000)), { gapMs: raceGap(), tag: 'race' })),
      ...Array.from({ length: 4 }, () => post(ok(r.int(300, 3000)), { gapMs: r.int(1700, 2100), tag: 'long' })),
      get(ok(1000), { gapMs: 1900, tag: 'long' }),
    ];
    const plan = [...Array.from({ length: 3 }, () => get(ok(500), { tag: 'warm' })), ...r.shuffle(body)];
    const outcomes = await lab.client().run(plan, { concurrency: 1 });
    return { outcomes, facts: { backendKeepaliveMs: T, oneWayDelayMs: L, link: { ...link.stats } } };
  });
}

/** Idle time after which the middlebox forgets a flow. */
export const MIDDLEBOX_IDLE_MS = 1200;

/**
 * A NAT / LB between nginx and the backend forgets flows idle for 1.2 s and answers the next packet with
 * a RST. The backend (30 s) and nginx (60 s) would both have kept the connection.
 */
export function middleboxIdleTimeout(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'middlebox_idle_timeout', 'middlebox_idle_timeout', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000 });
    const box = await lab.middlebox({ targetPort: be.port, idleMs: MIDDLEBOX_IDLE_MS });
    await lab.nginx(
      [{ name: 'app', servers: [box.addr], keepalive: 8, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(5);
    const body: PlannedRequest[] = [
      ...Array.from({ length: 20 }, (_, i) =>
        (i % 4 === 3 ? post : get)(ok(r.int(300, 3000)), { gapMs: r.int(50, 300), tag: 'short' }),
      ),
      ...Array.from({ length: 4 }, () => get(ok(r.int(300, 3000)), { gapMs: r.int(600, 900), tag: 'medium' })),
      ...[1600, 2000, 2500, 1800, 2200, 2400].map((gapMs) => post(ok(r.int(300, 3000)), { gapMs, tag: 'long' })),
      ...[1700, 2300].map((gapMs) => get(ok(r.int(300, 3000)), { gapMs, tag: 'long' })),
    ];
    const plan = [...Array.from({ length: 3 }, () => get(ok(500), { tag: 'warm' })), ...r.shuffle(body)];
    const outcomes = await lab.client().run(plan, { concurrency: 1 });
    return { outcomes, facts: { idleMs: MIDDLEBOX_IDLE_MS, middlebox: box.events } };
  });
}

/**
 * Bursts fill the pool, then the connection state behind nginx is lost while the pool sits idle (the
 * middlebox's table is flushed, as a conntrack flush or a failover does) and the next burst reuses dead
 * connections. Idle lengths differ and some long idles see no flush, so no fixed idle threshold explains it.
 */
export function keepaliveReuseClosed(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'keepalive_reuse_closed', 'keepalive_reuse_closed', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000 });
    const box = await lab.middlebox({ targetPort: be.port, idleMs: Infinity });
    await lab.nginx(
      [{ name: 'app', servers: [box.addr], keepalive: 16, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(6);
    const client = lab.client();
    const cycles = [
      { idleMs: 500, flushAtMs: 250 },
      { idleMs: 3000, flushAtMs: undefined },
      { idleMs: 1500, flushAtMs: 700 },
      { idleMs: 1000, flushAtMs: undefined },
      { idleMs: 3000, flushAtMs: 2000 },
    ];
    const outcomes = [];
    const flushes: Array<{ at: number; flows: number; cycle: number }> = [];
    for (const [i, c] of cycles.entries()) {
      const fill = Array.from({ length: 30 }, () => get(ok(r.int(300, 3000), 100), { tag: `fill${i}` }));
      outcomes.push(...(await client.run(fill, { concurrency: 30 })));
      const idleStart = Date.now();
      if (c.flushAtMs !== undefined) {
        await sleepUntil(idleStart + c.flushAtMs);
        flushes.push({ at: Date.now(), flows: box.flush(), cycle: i });
      }
      await sleepUntil(idleStart + c.idleMs);
      const burst = Array.from({ length: 16 }, (_, k) =>
        (k % 4 === 3 ? get : post)(ok(r.int(300, 3000), 20), { tag: `burst${i}` }),
      );
      outcomes.push(...(await client.run(burst, { concurrency: 16 })));
    }
    return { outcomes, facts: { cycles, flushes, middlebox: box.events } };
  });
}

/** Bytes above which the backend's responses stall, as a path-MTU black hole does to big segments. */
export const STALL_OVER = 16384;

/** Big responses stall after their first 4 KB; small ones pass. proxy_read_timeout 1 s ends the wait. */
export function pmtuBlackHole(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'pmtu_black_hole', 'pmtu_black_hole', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000, stallOverBytes: STALL_OVER });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 1, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(7);
    const plan = r.shuffle([
      ...Array.from({ length: 120 }, (_, i) =>
        (i % 4 === 3 ? post : get)(ok(r.int(1000, 4000), r.int(0, 15)), { gapMs: r.int(0, 30), tag: 'small' }),
      ),
      ...Array.from({ length: 10 }, () => get(ok(r.int(6000, 14000)), { gapMs: r.int(0, 30), tag: 'medium' })),
      ...Array.from({ length: 12 }, () => get(ok(r.int(65536, 262144)), { gapMs: r.int(0, 30), tag: 'large' })),
    ]);
    const outcomes = await lab.client().run(plan, { concurrency: 4 });
    return { outcomes, facts: { stallOverBytes: STALL_OVER } };
  });
}

/** A backend that answers in 0.6–0.85 s, sometimes 1.5–3 s, behind proxy_read_timeout 1 s. */
export function upstreamTimeout(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'upstream_timeout', 'upstream_timeout', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000 });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 1, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(8);
    const plan = r.shuffle([
      ...Array.from({ length: 76 }, (_, i) =>
        (i % 4 === 3 ? post : get)(ok(r.int(300, 3000), r.int(600, 850)), { gapMs: r.int(0, 40), tag: 'slowish' }),
      ),
      ...Array.from({ length: 14 }, (_, i) =>
        (i % 4 === 3 ? post : get)(ok(r.int(300, 3000), r.int(1500, 3000)), { gapMs: r.int(0, 40), tag: 'too-slow' }),
      ),
    ]);
    const outcomes = await lab.client().run(plan, { concurrency: 10 });
    return { outcomes };
  });
}

/**
 * One upstream group points where nothing listens; another location is healthy. The dead group has two
 * servers: nginx never marks the only server of a group unavailable, so a one-server group logs
 * `connect() failed (111)` forever and never `no live upstreams`.
 */
export function upstreamUnreachable(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'upstream_unreachable', 'upstream_unreachable', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000 });
    const deadPorts = [await freePort(), await freePort()];
    await lab.nginx(
      [
        { name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 60 },
        // fail_timeout scaled down from the default 10 s so nginx probes the dead servers again mid-run.
        { name: 'reports', servers: deadPorts.map((p) => `127.0.0.1:${p} max_fails=1 fail_timeout=1s`) },
      ],
      [
        { path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 },
        { path: '/reports/', group: 'reports', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 },
      ],
    );
    const r = rng(9);
    const plan = Array.from({ length: 200 }, (_, i) => {
      const path = (i % 2 ? '/reports' : '') + ok(r.int(300, 3000), r.int(0, 20));
      return (i % 5 === 4 ? post : get)(path, { gapMs: r.int(20, 80), tag: i % 2 ? 'dead' : 'live' });
    });
    const outcomes = await lab.client().run(plan, { concurrency: 4 });
    return { outcomes, facts: { deadPorts } };
  });
}

/** A slow backend (1 s) and impatient clients that hang up after 200 ms, some mid-body with a reset. */
export function clientAbort(dir: string): Promise<ScenarioResult> {
  return runLab(dir, 'client_abort', 'client_abort', async (lab) => {
    const be = await lab.backend({ keepAliveTimeoutMs: 30_000 });
    await lab.nginx(
      [{ name: 'app', servers: [be.addr], keepalive: 16, keepaliveTimeoutS: 60 }],
      [{ path: '/', group: 'app', proxyReadTimeoutS: 10, proxyConnectTimeoutS: 2 }],
    );
    const r = rng(10);
    const plan = r.shuffle([
      ...steadyMix(r, 70, [0, 30], [0, 30]),
      ...Array.from({ length: 20 }, () => get(ok(r.int(300, 3000), 1000), { abortAfterMs: 200, tag: 'abort' })),
      ...Array.from({ length: 4 }, () => post(ok(500, 1000), { abortAfterMs: 200, tag: 'abort' })),
      ...Array.from({ length: 6 }, (_, i) =>
        post(ok(500), { bodyBytes: 65536, partialBody: true, abortAfterMs: 200, abortWithReset: i < 4, tag: 'abort-body' }),
      ),
    ]);
    const outcomes = await lab.client().run(plan, { concurrency: 4 });
    return { outcomes };
  });
}

export interface ScenarioDef {
  name: string;
  run: (dir: string) => Promise<ScenarioResult>;
}

export const SCENARIOS: ScenarioDef[] = [
  { name: 'healthy', run: healthy },
  { name: 'backend_crash', run: backendCrash },
  { name: 'oom_kill', run: oomKill },
  { name: 'keepalive_idle_race', run: keepaliveIdleRace },
  { name: 'middlebox_idle_timeout', run: middleboxIdleTimeout },
  { name: 'keepalive_reuse_closed', run: keepaliveReuseClosed },
  { name: 'pmtu_black_hole', run: pmtuBlackHole },
  { name: 'upstream_timeout', run: upstreamTimeout },
  { name: 'upstream_unreachable', run: upstreamUnreachable },
  { name: 'client_abort', run: clientAbort },
];
