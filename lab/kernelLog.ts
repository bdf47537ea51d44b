// The one log line the lab writes itself: the kernel's OOM-killer report. Killing the backend with
// SIGKILL is exactly what the OOM killer does to it; the kernel would also print its report, which an
// unprivileged lab cannot make the real kernel do. The figures in it are the victim's real ones.
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface OomVictim {
  pid: number;
  /** Process name as the kernel knows it (/proc/PID/comm). */
  comm: string;
  uid: number;
  totalVmKb: number;
  anonRssKb: number;
  fileRssKb: number;
  shmemRssKb: number;
  pgtablesKb: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function statusField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Reads what the kernel would report about `pid`; call it just before killing the process. */
export function readVictim(pid: number): OomVictim {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const uidLine = /^Uid:\s+(\d+)/m.exec(status);
  return {
    pid,
    comm: fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
    uid: uidLine ? Number(uidLine[1]) : 0,
    totalVmKb: statusField(status, 'VmSize'),
    anonRssKb: statusField(status, 'RssAnon'),
    fileRssKb: statusField(status, 'RssFile'),
    shmemRssKb: statusField(status, 'RssShmem'),
    pgtablesKb: statusField(status, 'VmPTE'),
  };
}

/** Traditional syslog stamp in local time, the way rsyslog writes /var/log/kern.log: `Nov  5 09:03:07`. */
export function syslogStamp(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[at.getMonth()]} ${String(at.getDate()).padStart(2, ' ')} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

/** Seconds since boot at wall-clock time `at`, as the kernel's printk stamp shows it. */
export function uptimeAt(at: Date): number {
  const [up] = fs.readFileSync('/proc/uptime', 'utf8').split(' ');
  return Number(up) - (Date.now() - at.getTime()) / 1000;
}

function printkStamp(uptimeS: number): string {
  const [sec, frac] = Math.max(0, uptimeS).toFixed(6).split('.');
  return `[${sec.padStart(5, ' ')}.${frac}]`;
}

/** The three lines a global OOM kill leaves in kern.log (the memory dump between them left out). */
export function oomKillLines(v: OomVictim, at: Date, hostname = os.hostname(), uptimeS = uptimeAt(at)): string[] {
  const head = `${syslogStamp(at)} ${hostname} kernel: `;
  return [
    `${head}${printkStamp(uptimeS)} ${v.comm} invoked oom-killer: ` +
      'gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
    `${head}${printkStamp(uptimeS + 0.000412)} oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,` +
      `mems_allowed=0,global_oom,task_memcg=/,task=${v.comm},pid=${v.pid},uid=${v.uid}`,
    `${head}${printkStamp(uptimeS + 0.000587)} Out of memory: Killed process ${v.pid} (${v.comm}) ` +
      `total-vm:${v.totalVmKb}kB, anon-rss:${v.anonRssKb}kB, file-rss:${v.fileRssKb}kB, ` +
      `shmem-rss:${v.shmemRssKb}kB, UID:${v.uid} pgtables:${v.pgtablesKb}kB oom_score_adj:0`,
  ];
}

export function appendOomKill(kernLog: string, v: OomVictim, at: Date): void {
  fs.appendFileSync(kernLog, oomKillLines(v, at).join('\n') + '\n');
}
