import { oomKillLines, readVictim, syslogStamp, type OomVictim } from './kernelLog';

const victim: OomVictim = {
  pid: 4242,
  comm: 'node',
  uid: 0,
  totalVmKb: 992684,
  anonRssKb: 8452,
  fileRssKb: 38204,
  shmemRssKb: 0,
  pgtablesKb: 520,
};

describe('syslogStamp', () => {
  test('pads the day with a space, like rsyslog', () => {
    expect(syslogStamp(new Date(2026, 10, 5, 9, 3, 7))).toBe('Nov  5 09:03:07');
    expect(syslogStamp(new Date(2026, 0, 21, 23, 59, 0))).toBe('Jan 21 23:59:00');
  });
});

describe('oomKillLines', () => {
  test('writes the kernel report with the victim figures', () => {
    const lines = oomKillLines(victim, new Date(2026, 10, 20, 23, 22, 0), 'web1', 542.037);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      'Nov 20 23:22:00 web1 kernel: [  542.037587] Out of memory: Killed process 4242 (node) total-vm:992684kB, ' +
        'anon-rss:8452kB, file-rss:38204kB, shmem-rss:0kB, UID:0 pgtables:520kB oom_score_adj:0',
    );
    expect(lines[0]).toMatch(/^Nov 20 23:22:00 web1 kernel: \[  542\.037000\] node invoked oom-killer: gfp_mask=/);
    expect(lines[1]).toContain('task=node,pid=4242,uid=0');
  });
});

describe('readVictim', () => {
  test('reads a live process from /proc', () => {
    const v = readVictim(process.pid);
    expect(v.pid).toBe(process.pid);
    expect(v.comm.length).toBeGreaterThan(0);
    expect(v.totalVmKb).toBeGreaterThan(0);
    expect(v.anonRssKb).toBeGreaterThan(0);
  });
});
