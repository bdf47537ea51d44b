// Which rule scores which cause. Every cause in the vocabulary but `healthy` has exactly one.
import type { CauseId } from '../causes';
import { clientAbort } from './client';
import { backendCrash, oomKill } from './crash';
import { keepaliveIdleRace, keepaliveReuseClosed, middleboxIdleTimeout } from './idle';
import { pmtuBlackHole } from './size';
import { upstreamTimeout } from './timeout';
import type { Rule } from './types';
import { upstreamUnreachable } from './unreachable';

export const RULES: Record<Exclude<CauseId, 'healthy'>, Rule> = {
  backend_crash: backendCrash,
  oom_kill: oomKill,
  keepalive_idle_race: keepaliveIdleRace,
  middlebox_idle_timeout: middleboxIdleTimeout,
  keepalive_reuse_closed: keepaliveReuseClosed,
  pmtu_black_hole: pmtuBlackHole,
  upstream_timeout: upstreamTimeout,
  upstream_unreachable: upstreamUnreachable,
  client_abort: clientAbort,
};

export type { Finding, Rule } from './types';
