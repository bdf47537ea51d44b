import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parseKernelLine } from './kernelLog';
import type { KernelEvent } from './types';

const KILLED = 'Out of memory: Killed process 4242 (node) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:96kB oom_score_adj:0';
const UTC = { tzOffsetMin: 0 };
const at = (iso: string): number => Date.parse(iso);

describe('parseKernelLine formats', () => {
  it('reads dmesg -T, local time or a given offset', () => {
    const line = `[Mon Jan 15 10:23:45 2024] ${KILLED}`;
    expect(parseKernelLine(line, UTC)).toEqual<KernelEvent>({
      time: at('2024-01-15T10:23:45Z'),
      kind: 'oom_kill',
      pid: 4242,
      process: 'node',
      message: KILLED,
    });
    expect(parseKernelLine(line)!.time).toBe(new Date(2024, 0, 15, 10, 23, 45).getTime());
    expect(parseKernelLine(line, { tzOffsetMin: 120 })!.time).toBe(at('2024-01-15T08:23:45Z'));
    // Single-digit days are space-padded.
    expect(parseKernelLine(`[Fri Jan  5 01:02:03 2024] ${KILLED}`, UTC)!.time).toBe(at('2024-01-05T01:02:03Z'));
    // dmesg -x adds facility and level.
    expect(parseKernelLine(`kern  :err   : [Mon Jan 15 10:23:45 2024] ${KILLED}`, UTC)!.pid).toBe(4242);
  });

  it('reads syslog kern.log with the year it is given', () => {
    const e = parseKernelLine(`Jan 15 10:23:45 web1 kernel: [12345.678901] ${KILLED}`, { year: 2023, tzOffsetMin: 0 });
    expect(e).toMatchObject({ time: at('2023-01-15T10:23:45Z'), kind: 'oom_kill', pid: 4242, process: 'node', message: KILLED });
    expect(parseKernelLine(`Jan  5 10:23:45 web1 kernel: [    5.000001] ${KILLED}`, { year: 2023, tzOffsetMin: 0 })!.time).toBe(at('2023-01-05T10:23:45Z'));
  });

  describe('without a year', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: new Date('2024-01-10T12:00:00Z') });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('uses the current year, or last year for dates more than a day ahead', () => {
      expect(parseKernelLine(`Jan  9 10:00:00 web1 kernel: ${KILLED}`, UTC)!.time).toBe(at('2024-01-09T10:00:00Z'));
      expect(parseKernelLine(`Jan 11 10:00:00 web1 kernel: ${KILLED}`, UTC)!.time).toBe(at('2024-01-11T10:00:00Z'));
      expect(parseKernelLine(`Dec 31 23:59:00 web1 kernel: ${KILLED}`, UTC)!.time).toBe(at('2023-12-31T23:59:00Z'));
    });
  });

  it('reads the RFC 3339 syslog variant by its own offset', () => {
    const line = `2024-01-15T10:23:45.123456+01:00 web1 kernel: [12345.678901] ${KILLED}`;
    const e = parseKernelLine(line, { tzOffsetMin: -300 })!;
    expect(e.time).toBe(at('2024-01-15T09:23:45.123Z'));
    expect(e.message).toBe(KILLED);
    expect(parseKernelLine(`2024-01-15T10:23:45Z web1 kernel: ${KILLED}`)!.time).toBe(at('2024-01-15T10:23:45Z'));
  });

  it('reads journalctl -k in its short, short-precise and short-iso forms', () => {
    expect(parseKernelLine(`Jan 15 10:23:45 web1 kernel: ${KILLED}`, { year: 2024, tzOffsetMin: 0 })).toMatchObject({
      time: at('2024-01-15T10:23:45Z'),
      pid: 4242,
    });
    expect(parseKernelLine(`Jan 15 10:23:45.250001 web1 kernel: ${KILLED}`, { year: 2024, tzOffsetMin: 0 })!.time).toBe(at('2024-01-15T10:23:45.250Z'));
    expect(parseKernelLine(`2024-01-15T10:23:45+0000 web1 kernel: ${KILLED}`)!.time).toBe(at('2024-01-15T10:23:45Z'));
    expect(parseKernelLine(`2024-01-15T11:23:45+01:00 web1 kernel: ${KILLED}`)!.time).toBe(at('2024-01-15T10:23:45Z'));
  });

  it('uses local time for an ISO stamp without a zone', () => {
    expect(parseKernelLine(`2024-01-15T10:23:45 web1 kernel: ${KILLED}`, { tzOffsetMin: 60 })!.time).toBe(at('2024-01-15T09:23:45Z'));
  });
});

describe('parseKernelLine messages', () => {
  const d = '[Mon Jan 15 10:23:45 2024] ';
  const rows: [string, Partial<KernelEvent>][] = [
    [KILLED, { kind: 'oom_kill', pid: 4242, process: 'node' }],
    ['Memory cgroup out of memory: Killed process 9767 (python3) total-vm:82132kB, anon-rss:65152kB', { kind: 'oom_kill', pid: 9767, process: 'python3' }],
    ['Out of memory: Kill process 4242 (gunicorn) score 912 or sacrifice child', { kind: 'oom_kill', pid: 4242, process: 'gunicorn' }],
    ['Memory cgroup out of memory: Kill process 4242 (java) score 0 or sacrifice child', { kind: 'oom_kill', pid: 4242, process: 'java' }],
    ['Out of memory (oom_kill_allocating_task): Killed process 77 (php-fpm8.2) total-vm:1kB', { kind: 'oom_kill', pid: 77, process: 'php-fpm8.2' }],
    ['Killed process 4242 (node) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB', { kind: 'oom_kill', pid: 4242, process: 'node' }],
    [
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/app.service,task=node,pid=4242,uid=1000',
      { kind: 'oom_kill', pid: 4242, process: 'node' },
    ],
    ['oom_reaper: reaped process 4242 (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB', { kind: 'oom_kill', pid: 4242, process: 'node' }],
    ['node[4242]: segfault at 8 ip 000055d1c2a3b4c5 sp 00007ffd1234abcd error 4 in node[55d1c1000000+2000000]', { kind: 'segfault', pid: 4242, process: 'node' }],
    ['Web Content[31337]: segfault at 0 ip 00007f0000000000 sp 00007ffc00000000 error 6 in libxul.so[7f0000000000+100000]', { kind: 'segfault', pid: 31337, process: 'Web Content' }],
    ['traps: node[4242] general protection fault ip:55d1c2a3b4c5 sp:7ffd1234abcd error:0 in node[55d1c1000000+2000000]', { kind: 'segfault', pid: 4242, process: 'node' }],
    ['traps: uwsgi[808] trap invalid opcode ip:7f00 sp:7ffc error:0 in libc.so.6[7f00+1000]', { kind: 'segfault', pid: 808, process: 'uwsgi' }],
    ['traps: app[9] trap divide error ip:401000 sp:7ffc error:0 in app[400000+1000]', { kind: 'segfault', pid: 9, process: 'app' }],
  ];
  it.each(rows)('%s', (msg, expected) => {
    const e = parseKernelLine(d + msg, UTC);
    expect(e).toMatchObject({ ...expected, message: msg, time: at('2024-01-15T10:23:45Z') });
  });

  it.each([
    'node invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
    'Out of memory and no killable processes...',
    'Tasks state (memory values in pages):',
    '[   4242]  1000  4242   308000   250000  2000000        0             0 node',
    'CPU: 0 PID: 4242 Comm: node Not tainted 6.1.0-17-amd64 #1 Debian 6.1.69-1',
    'audit: type=1701 audit(1705314225.000:42): auid=4294967295 uid=1000 pid=4242 comm="node" sig=11 res=1',
    'EXT4-fs (vda): mounted filesystem with ordered data mode',
    'TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.',
  ])('ignores the kernel line %j', (msg) => {
    expect(parseKernelLine(d + msg, UTC)).toBeNull();
  });

  it.each([
    '',
    'garbage',
    `[12345.678901] ${KILLED}`, // plain dmesg: seconds since boot, no wall-clock time
    `Jan 15 10:23:45 web1 myapp[99]: ${KILLED}`, // an application, not the kernel
    `2024-01-15T10:23:45+00:00 web1 myapp[99]: ${KILLED}`,
    'Jan 15 10:23:45 web1 systemd[1]: app.service: A process of this unit has been killed by the OOM killer.',
    '-- Boot 0123456789abcdef0123456789abcdef --',
    '-- Logs begin at Mon 2024-01-15 00:00:01 UTC, end at Mon 2024-01-15 12:00:00 UTC. --',
    `[Mon Foo 15 10:23:45 2024] ${KILLED}`,
    `Jan 32 10:23:45 web1 kernel: ${KILLED}`,
    `2024-13-15T10:23:45Z web1 kernel: ${KILLED}`,
  ])('returns null for %j', (line) => {
    expect(parseKernelLine(line, { year: 2024 })).toBeNull();
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseKernelLine(s);
        parseKernelLine(`Jan 15 10:23:45 h kernel: ${s}`, { year: 2024 });
        parseKernelLine(`[Mon Jan 15 10:23:45 2024] ${s}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on a 1 MB line', () => {
    const line = `[Mon Jan 15 10:23:45 2024] traps: ${'x['.repeat(500_000)}`;
    const t0 = Date.now();
    expect(parseKernelLine(line)).toBeNull();
    expect(parseKernelLine(`[Mon Jan 15 10:23:45 2024] Out of memory: Killed process 1 (${'('.repeat(1_000_000)}`)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(200);
  });
});

describe('kernel output captured on Linux 6.18 (testdata)', () => {
  const read = (name: string): string[] => fs.readFileSync(path.join(__dirname, 'testdata', name), 'utf8').trimEnd().split('\n');

  it('finds the segfault and both kill lines in a full dmesg -T OOM report, and nothing else', () => {
    const events = read('dmesg-T-oom.txt')
      .map((l) => parseKernelLine(l, UTC))
      .filter((e): e is KernelEvent => e !== null);
    expect(events.map((e) => [e.kind, e.pid, e.process, e.time])).toEqual([
      ['segfault', 9725, 'python3', at('2026-11-20T23:24:14Z')],
      ['oom_kill', 9767, 'python3', at('2026-11-20T23:24:14Z')],
      ['oom_kill', 9767, 'python3', at('2026-11-20T23:24:14Z')],
    ]);
  });

  it('reads dmesg --time-format iso with its comma fraction', () => {
    const events = read('dmesg-iso-oom.txt')
      .map((l) => parseKernelLine(l))
      .filter((e): e is KernelEvent => e !== null);
    expect(events.map((e) => [e.kind, e.pid, e.time])).toEqual([
      ['segfault', 9725, at('2026-11-20T23:24:14.495Z')],
      ['oom_kill', 9767, at('2026-11-20T23:24:14.709Z')],
      ['oom_kill', 9767, at('2026-11-20T23:24:14.709Z')],
    ]);
  });
});
