// The upstream attempts of a request, when the access log does not log them (`combined`): from the nginx
// config (which location the URI lands in, which group it proxies to) and from the error-log lines tied
// to the request (which server failed, how, and in which phase). And, when the access log does log them,
// what the error log adds: that a 200 was cut mid-body, or how a failed attempt died.
import { Role, loggedBit } from '../parse/access/formatSpec';
import type { NginxConfig } from '../parse/nginxConf/config';
import { routeRequest } from '../parse/nginxConf/route';
import type { AccessRecord, Attempt } from '../parse/types';
import type { ErrorHint } from './errorJoin';

const UPSTREAM_LOGGED = loggedBit(Role.UpAddr) | loggedBit(Role.UpStatus);

/** Whether the record's format logs which upstream answered (else its attempts are inferred). */
export function logsUpstream(rec: AccessRecord): boolean {
  return (rec.logged & UPSTREAM_LOGGED) !== 0;
}

/** Hints in the body phase: the header had come, the body broke off. */
const isBodyPhase = (h: ErrorHint) => h.phase === 'reading_upstream';

/**
 * The key an error's server counts under when the access log does not name servers: the server itself
 * when it is its group's only one (or no config says otherwise), else the group, so that the group's
 * successes and failures meet under one key.
 */
export function keyForServer(conf: NginxConfig | null, server: string): string {
  if (!conf || !server) return server;
  for (const up of conf.upstreams.values()) {
    if (up.servers.includes(server)) return up.servers.length === 1 ? server : up.name;
  }
  return server;
}

function inferred(addr: string, status: number, h?: ErrorHint): Attempt {
  return {
    addr,
    status,
    connect: NaN,
    header: NaN,
    response: NaN,
    bytesReceived: NaN,
    afterRedirect: false,
    inferred: true,
    ...(h ? { how: { cls: h.cls, phase: h.phase } } : {}),
  };
}

/** nginx's own status for an attempt it gave up on, from how it failed. */
function failureStatus(h: ErrorHint): number {
  return h.cls === 'timed_out' ? 504 : 502;
}

/** The key of requests nobody can say more about: no upstream field, no config, no error line naming one. */
export const UNNAMED_UPSTREAM = '(upstream)';

/**
 * Attempts for a record whose format has no `$upstream_*` fields. Each error line before the header is a
 * failed try (a retry may have rescued the request); a body-phase error marks the answering try as cut;
 * the answer itself goes to where the config routes the URI (or to the server of the last error). A
 * request nginx served itself, with nothing in the error log, has no attempts.
 */
export function inferAttempts(rec: AccessRecord, hints: readonly ErrorHint[], conf: NginxConfig | null, fallback = ''): Attempt[] {
  const out: Attempt[] = [];
  let cut: ErrorHint | undefined;
  for (const h of hints) {
    if (isBodyPhase(h)) cut = h;
    else out.push(inferred(keyForServer(conf, h.server), failureStatus(h), h));
  }
  const route = conf ? routeRequest(conf, rec.request) : null;
  const lastFailed = out.length > 0 ? out[out.length - 1] : undefined;
  // A 502 / 504 that an error line explains ended with that failed try; anything else had an answer.
  const endedInFailure = lastFailed !== undefined && !cut && (rec.status === 502 || rec.status === 504);
  if (!endedInFailure) {
    // Without a config to route by, the one upstream the error log knows (or an unnamed one) served it.
    const addr = cut ? keyForServer(conf, cut.server) : (route?.upstream ?? lastFailed?.addr ?? (conf ? '' : fallback));
    if (addr) {
      const a = inferred(addr, rec.status === 499 ? 0 : rec.status, cut);
      if (cut) a.cut = true;
      out.push(a);
    }
  }
  return out;
}

/** Marks what the error log says about logged attempts: how a failed one died, that a 2xx body was cut. */
export function applyHints(rec: AccessRecord, hints: readonly ErrorHint[]): void {
  for (const h of hints) {
    const a = findAttempt(rec.attempts, h);
    if (!a) continue;
    a.how = { cls: h.cls, phase: h.phase };
    if (isBodyPhase(h) && a.status >= 200 && a.status < 300) a.cut = true;
  }
}

function findAttempt(attempts: Attempt[], h: ErrorHint): Attempt | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i];
    if (a.how) continue;
    if (h.server && a.addr !== h.server) continue;
    const failedTry = a.status === 502 || a.status === 504 || a.status === 0;
    if (isBodyPhase(h) ? !failedTry : failedTry) return a;
  }
  return undefined;
}
