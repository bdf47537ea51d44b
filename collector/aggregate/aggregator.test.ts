import { ALL_LOGGED } from '../parse/access/formatSpec';
import type { AccessRecord, Attempt } from '../parse/types';
import { Aggregator, FOLDED_UPSTREAM, NO_UPSTREAM, type AttemptOutcome } from './aggregator';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

function rec(time: number, attempts: Array<Partial<Attempt>>, status = 200): AccessRecord {
  return {
    time,
    tzOffsetMin: 0,
    status,
    bytesSent: 100,
    requestTime: 0.01,
    request: 'GET / HTTP/1.1',
    client: '',
    logged: ALL_LOGGED,
    attempts: attempts.map((a) => ({
      addr: '10.0.0.1:80',
      status: 200,
      connect: 0,
      header: 0.005,
      response: 0.01,
      bytesReceived: 300,
      afterRedirect: false,
      ...a,
    })),
  };
}

describe('Aggregator', () => {
  it('counts each attempt of a retried request once, and the request under its last upstream', () => {
    const seen: AttemptOutcome[] = [];
    const agg = new Aggregator({ listener: { attempt: (o) => seen.push(o) } });
    agg.addAccess(
      rec(T0, [
        { addr: 'a:80', status: 502, header: NaN, response: 0.001 },
        { addr: 'b:80', status: 200, connect: 0.002 },
      ]),
    );
    const r = agg.range();
    expect(r.byUpstream.get('a:80')!.attempts).toBe(1);
    expect(r.byUpstream.get('a:80')!.failed).toBe(1);
    expect(r.byUpstream.get('a:80')!.requests).toBe(0);
    expect(r.byUpstream.get('b:80')!.requests).toBe(1);
    expect(r.byUpstream.get('b:80')!.retries).toBe(1);
    expect(seen.map((o) => [o.upstream, o.failed, o.onContact, o.retry])).toEqual([
      ['a:80', true, true, false],
      ['b:80', false, false, true],
    ]);
  });

  it('treats an internal redirect as a new attempt, not a retry', () => {
    const agg = new Aggregator();
    agg.addAccess(rec(T0, [{ addr: 'a:80' }, { addr: 'b:80', afterRedirect: true }]));
    expect(agg.range().byUpstream.get('b:80')!.retries).toBe(0);
  });

  it('keeps requests that never went upstream under "-"', () => {
    const agg = new Aggregator();
    agg.addAccess(rec(T0, [], 404));
    expect(agg.range().byUpstream.get(NO_UPSTREAM)!.status4xx).toBe(1);
  });

  it('folds addresses past the cap into "other" and says so', () => {
    const folded: string[] = [];
    const agg = new Aggregator({ maxUpstreams: 3, listener: { folded: (a) => folded.push(a) } });
    for (let i = 0; i < 100; i++) agg.addAccess(rec(T0 + i, [{ addr: `10.0.${i}.1:80` }]));
    const keys = [...agg.range().byUpstream.keys()];
    expect(keys).toHaveLength(4);
    expect(keys).toContain(FOLDED_UPSTREAM);
    expect(agg.foldedAttempts).toBe(97);
    expect(folded).toHaveLength(97);
  });

  it('coarsens windows instead of growing without bound on a long file', () => {
    const agg = new Aggregator({ windowMs: 1000, maxWindows: 8 });
    for (let i = 0; i < 100; i++) agg.addAccess(rec(T0 + i * 1000, [{}]));
    expect(agg.timeline().length).toBeLessThanOrEqual(8);
    expect(agg.windowMs).toBe(16_000);
    expect(agg.range().byUpstream.get('10.0.0.1:80')!.requests).toBe(100);
  });

  it('drops windows older than the retention in live mode', () => {
    const agg = new Aggregator({ windowMs: 1000, retainMs: 5000 });
    for (let i = 0; i < 100; i++) agg.addAccess(rec(T0 + i * 1000, [{}]));
    expect(agg.windowMs).toBe(1000);
    expect(agg.timeline().length).toBeLessThanOrEqual(6);
    expect(agg.range(T0 + 95_000).byUpstream.get('10.0.0.1:80')!.requests).toBe(5);
  });

  it('counts one OOM kill once although the kernel reports it in several lines', () => {
    const kills: number[] = [];
    const agg = new Aggregator({ listener: { kernel: (k) => kills.push(k.pid) } });
    for (const dt of [0, 1, 2]) agg.addKernel({ time: T0 + dt, kind: 'oom_kill', pid: 42, process: 'node', message: '' });
    agg.addKernel({ time: T0 + 60_000, kind: 'oom_kill', pid: 43, process: 'node', message: '' });
    expect(kills).toEqual([42, 43]);
  });

  it('notices the upstream coming back after refused connects', () => {
    const agg = new Aggregator();
    agg.addAccess(rec(T0, [{ status: 502, connect: NaN, header: NaN, response: 0 }], 502));
    agg.addAccess(rec(T0 + 10, [{ status: 502, connect: NaN, header: NaN, response: 0 }], 502));
    agg.addAccess(rec(T0 + 500, [{}]));
    agg.addAccess(rec(T0 + 600, [{}]));
    const st = agg.range().byUpstream.get('10.0.0.1:80')!;
    expect(st.failedConnect).toBe(2);
    expect(st.comebacks).toBe(1);
  });

  it('keeps memory flat as lines grow (fixed-size windows)', () => {
    const agg = new Aggregator({ windowMs: 1000, maxWindows: 16 });
    const sizeAfter = (n: number) => {
      for (let i = 0; i < n; i++) agg.addAccess(rec(T0 + i * 10, [{ response: (i % 100) / 100 }]));
      return agg.timeline().length;
    };
    const a = sizeAfter(10_000);
    const b = sizeAfter(50_000);
    expect(b).toBeLessThanOrEqual(16);
    expect(a).toBeLessThanOrEqual(16);
  });
});
