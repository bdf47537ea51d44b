// Backend crash / restart and OOM kill: in-flight requests die together, connects are refused while the
// process comes back, and (for an OOM kill) the kernel says so at the same moment.
import { clamp01, plural, weight } from '../wording';
import { errorsOf, type Signals } from '../signals';
import { crashFromStatuses } from './statusOnly';
import { NONE, rateWeight, upstreamFailures, type Finding } from './types';

interface CrashEvidence {
  base: number;
  evidence: string[];
}

function crashEvidence(s: Signals): CrashEvidence | null {
  const failures = upstreamFailures(s);
  if (failures === 0) return null;
  // Refusals only point at a restart when the upstream answered again afterwards.
  const restartRefusals = s.comebacks > 0 ? s.failedConnect : 0;
  const signs = s.failedMidRequest + restartRefusals;
  if (signs === 0) return null;
  const share = clamp01(signs / failures);
  const base = weight(signs) * share * (s.comebacks > 0 ? 1 : 0.7) * rateWeight(failures, s);
  const evidence: string[] = [];
  if (s.failedMidRequest > 0) {
    const resets = errorsOf(s, 'reset_by_peer', 'reading_response_header') + errorsOf(s, 'reset_by_peer', 'reading_upstream');
    const closed = errorsOf(s, 'prematurely_closed');
    evidence.push(
      `${plural(s.failedMidRequest, 'request')} on ${s.upstream} died mid-request, after more than a round trip` +
        (resets + closed > 0 ? ` (error log: ${resets} reset by peer, ${closed} upstream prematurely closed)` : ''),
    );
  }
  if (restartRefusals > 0) {
    evidence.push(
      `${plural(restartRefusals, 'connect')} refused in between, then the upstream answered again ` +
        `(${plural(s.comebacks, 'time')}): the process was restarting`,
    );
  }
  return { base, evidence };
}

function nearKills(s: Signals, kind: 'oom_kill' | 'segfault') {
  return s.kernel.filter((k) => (k.kind === kind || (kind === 'oom_kill' && k.kind === 'killed')) && k.nearFailures);
}

export function backendCrash(s: Signals): Finding {
  const c = crashEvidence(s);
  if (!c) return crashFromStatuses(s);
  const ooms = nearKills(s, 'oom_kill');
  const segv = nearKills(s, 'segfault');
  const evidence = [...c.evidence];
  let score = c.base;
  if (segv.length > 0) {
    score = Math.min(1, score + 0.2);
    evidence.push(`kernel: ${segv.map((k) => `${k.process || 'pid'} [${k.pid}] crashed`).join(', ')} at the failure times`);
  }
  if (ooms.length > 0) {
    score *= 0.75; // the OOM killer explains the same failures more precisely
  } else if (s.kernelLogRead) {
    evidence.push('no OOM kill in the kernel log near the failures');
  } else {
    evidence.push('no kernel log given: check `dmesg -T | grep -i "killed process"` for OOM kills');
  }
  return { score, evidence };
}

export function oomKill(s: Signals): Finding {
  const ooms = nearKills(s, 'oom_kill');
  if (ooms.length === 0) return NONE;
  const c = crashEvidence(s);
  const failures = upstreamFailures(s);
  if (failures === 0) return NONE;
  const base = c ? c.base : 0.5 * weight(failures) * rateWeight(failures, s);
  const names = [...new Set(ooms.map((k) => `${k.process || '?'} (pid ${k.pid})`))].join(', ');
  const first = new Date(ooms[0].time).toISOString();
  const evidence = [
    `kernel OOM killer ended ${names} — ${plural(ooms.length, 'kill')}, the first at ${first} — while requests to ${s.upstream} failed`,
    ...(c ? c.evidence : []),
  ];
  return { score: Math.min(1, base * 0.9 + 0.3 * weight(ooms.length, 1)), evidence };
}

