// Kernel log lines that say a process died → KernelEvent. Reads the three ways people save them:
//   dmesg -T         [Mon Jan 15 10:23:45 2024] Out of memory: Killed process 4242 (node) …
//   syslog kern.log  Jan 15 10:23:45 web1 kernel: [12345.678901] Out of memory: …   (no year)
//                    2024-01-15T10:23:45.123456+00:00 web1 kernel: [12345.678901] …  (rsyslog RFC 3339)
//   journalctl -k    Jan 15 10:23:45 web1 kernel: Out of memory: …   (also -o short-iso / short-precise)
// plus `dmesg --time-format iso`. Plain `dmesg` (seconds since boot only) has no wall-clock time and
// gives null, as do all lines that do not report a kill or a crash.
//
// One OOM kill is reported by up to three lines with the same pid: `oom-kill:constraint=…,pid=N`, then
// `Out of memory: Killed process N (name)`, then `oom_reaper: reaped process N (name)`. Each line is
// read on its own and each yields an `oom_kill` event; this reader keeps no state and does not dedupe
// (the aggregator folds events of one pid within 5 s into one).
import type { KernelEvent, KernelEventKind } from './types';

export interface KernelLineOptions {
  /** Year for syslog / journal lines, which carry none. Default: the current year (see below). */
  year?: number;
  /** Minutes east of UTC for local times without a zone. Default: this machine's zone. */
  tzOffsetMin?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DMESG_T = /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
const BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? /;
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)? ?/;
const HOST_KERNEL = /^\S+ kernel: /;
const UPTIME = /^\[ *\d+\.\d+\] ?/;
// `dmesg -x` prefixes facility and level: `kern  :err   : `.
const DMESG_X = /^[a-z]+ *:[a-z]+ *: /;

const MAX_COMM = 64; // the kernel's comm is 15 bytes; leave room for escaped names

function wallTime(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, tzOffsetMin?: number): number {
  if (tzOffsetMin === undefined) return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - tzOffsetMin * 60_000;
}

const fracMs = (frac: string | undefined): number => (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);

function offsetMin(z: string): number {
  if (z === 'Z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

const validClock = (mo: number, d: number, h: number, mi: number, s: number): boolean =>
  mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;

/** Splits a line into its time and the kernel's own message; null when the line has no usable time. */
function splitHeader(line: string, opts: KernelLineOptions): { time: number; message: string } | null {
  let rest = line;
  const x = DMESG_X.exec(rest.slice(0, 24));
  if (x) rest = rest.slice(x[0].length);

  let time: number;
  let m = DMESG_T.exec(rest.slice(0, 40));
  if (m) {
    const mo = MONTHS.indexOf(m[1]) + 1;
    const [d, h, mi, s, y] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
    if (!validClock(mo, d, h, mi, s)) return null;
    time = wallTime(y, mo, d, h, mi, s, 0, opts.tzOffsetMin);
    return { time, message: rest.slice(m[0].length) };
  }

  m = ISO.exec(rest.slice(0, 48));
  if (m) {
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
    if (!validClock(mo, d, h, mi, s)) return null;
    const tz = m[8] !== undefined ? offsetMin(m[8]) : opts.tzOffsetMin;
    time = wallTime(y, mo, d, h, mi, s, fracMs(m[7]), tz);
    rest = rest.slice(m[0].length);
    // rsyslog and journald put `host kernel:` here; dmesg --time-format iso goes straight to the message.
    const hk = HOST_KERNEL.exec(rest.slice(0, 300));
    if (hk) rest = rest.slice(hk[0].length);
    else if (/^\S+ \S+: /.test(rest.slice(0, 300)) && !looksLikeKernelMessage(rest)) return null;
  } else {
    m = BSD.exec(rest.slice(0, 40));
    if (!m) return null;
    const mo = MONTHS.indexOf(m[1]) + 1;
    const [d, h, mi, s] = [m[2], m[3], m[4], m[5]].map(Number);
    if (!validClock(mo, d, h, mi, s)) return null;
    rest = rest.slice(m[0].length);
    const hk = HOST_KERNEL.exec(rest.slice(0, 300));
    // Only the kernel's own lines: an application logging these words to syslog is not a kill.
    if (!hk) return null;
    rest = rest.slice(hk[0].length);
    time = syslogTime(mo, d, h, mi, s, fracMs(m[6]), opts);
  }
  return { time, message: rest };
}

/**
 * Syslog lines carry no year. Without `opts.year`, the current year is assumed, unless that puts the
 * line more than a day in the future: then it was written last year (a December log read in January).
 */
function syslogTime(mo: number, d: number, h: number, mi: number, s: number, ms: number, opts: KernelLineOptions): number {
  if (opts.year !== undefined) return wallTime(opts.year, mo, d, h, mi, s, ms, opts.tzOffsetMin);
  const now = Date.now();
  const year = new Date(now).getFullYear();
  const t = wallTime(year, mo, d, h, mi, s, ms, opts.tzOffsetMin);
  return t > now + 86_400_000 ? wallTime(year - 1, mo, d, h, mi, s, ms, opts.tzOffsetMin) : t;
}

const KILL_PREFIXES = ['Out of memory', 'Memory cgroup out of memory', 'Killed process ', 'oom-kill:', 'oom_reaper: ', 'traps: '];
const looksLikeKernelMessage = (s: string): boolean =>
  KILL_PREFIXES.some((p) => s.startsWith(p)) || UPTIME.test(s) || s.includes(']: segfault at ');

/** `… Killed process 4242 (node) …` / `Kill process 4242 (node) score …` / `reaped process 4242 (node), …` */
const PROCESS_REF = /(?:Killed|Kill|reaped) process (\d+) \((.{0,64}?)\)(?=[ ,]|$)/;

function victim(message: string): { kind: KernelEventKind; pid: number; process: string } | null {
  if (message.startsWith('Out of memory') || message.startsWith('Memory cgroup out of memory')) {
    // `Out of memory: Killed process …`, `Out of memory (oom_kill_allocating_task): Kill process …`;
    // `Out of memory and no killable processes...` names no victim and kills nothing.
    const m = PROCESS_REF.exec(message.slice(0, 200));
    return m ? { kind: 'oom_kill', pid: Number(m[1]), process: m[2] } : null;
  }
  if (message.startsWith('Killed process ') || message.startsWith('oom_reaper: reaped process ')) {
    // The second line of older kernels' OOM report, and the reaper's note after the kill.
    const m = PROCESS_REF.exec(message.slice(0, 200));
    return m ? { kind: 'oom_kill', pid: Number(m[1]), process: m[2] } : null;
  }
  if (message.startsWith('oom-kill:')) {
    const head = message.slice(0, 1000);
    const task = /,task=([^,]{0,64}),pid=(\d+)/.exec(head);
    if (task) return { kind: 'oom_kill', pid: Number(task[2]), process: task[1] };
    const pid = /,pid=(\d+)/.exec(head);
    return pid ? { kind: 'oom_kill', pid: Number(pid[1]), process: '' } : null;
  }
  if (message.startsWith('traps: ')) {
    // `traps: node[4242] general protection fault ip:…`, `… trap invalid opcode …`, `… trap divide error …`
    const m = /^traps: (.{1,64}?)\[(\d+)\] /.exec(message.slice(0, 100));
    return m ? { kind: 'segfault', pid: Number(m[2]), process: m[1] } : null;
  }
  const seg = message.indexOf(']: segfault at ');
  if (seg > 0 && seg <= MAX_COMM + 12) {
    const m = /^(.{1,64}?)\[(\d+)\]: segfault at /.exec(message.slice(0, seg + 15));
    return m ? { kind: 'segfault', pid: Number(m[2]), process: m[1] } : null;
  }
  return null;
}

/**
 * One kernel log line → KernelEvent for an OOM kill or a crashed process, else null. Local times
 * use `opts.tzOffsetMin` (or this machine's zone); RFC 3339 times use the offset they carry.
 */
export function parseKernelLine(line: string, opts: KernelLineOptions = {}): KernelEvent | null {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const head = splitHeader(text, opts);
  if (!head) return null;
  let message = head.message;
  const up = UPTIME.exec(message.slice(0, 24));
  if (up) message = message.slice(up[0].length);
  const v = victim(message);
  if (!v) return null;
  return { time: head.time, kind: v.kind, pid: v.pid, process: v.process, message };
}
