// What the verdict banner says, as plain strings, so the one rule that matters on a wall is tested in one
// place: the words follow how far the verdict got. A cause is named only when the engine named it, a
// candidate is only ever "so far", and "Healthy" appears only for a healthy status.
import { plural } from '../../collector/diagnose/wording';
import { duration } from './format';
import type { Verdict } from './types';

export interface VerdictText {
  /** The small capitals above the verdict. */
  kicker: string;
  /** The big line. */
  title: string;
  /** A second line that qualifies the title (the candidate while collecting; what was seen otherwise). */
  qualifier: string | null;
  /** Where and when: upstream, confidence, window. */
  where: string[];
  /** Since when the upstream has been failing, and for how long. */
  since: { at: string; detail: string } | null;
}

export interface VerdictFormat {
  /** A window end, e.g. 20:12:30. */
  time: (ms: number) => string;
  /** The start of an incident, e.g. 20:12 UTC; `ref` is the incident's newest failure. */
  clock: (ms: number, ref: number) => string;
}

export function verdictText(v: Verdict | null, f: VerdictFormat): VerdictText {
  if (!v) return { kicker: 'NO VERDICT', title: 'No verdict yet', qualifier: null, where: [], since: null };
  const window = v.window ? `${f.time(v.window.from)}–${f.time(v.window.to)}` : null;
  const upstream = v.upstream ? `upstream ${v.upstream}` : null;
  const score = v.score !== null ? v.score.toFixed(2) : null;
  const failures = v.failures !== null ? plural(v.failures, 'failure') : null;
  const since = v.incident
    ? {
        at: f.clock(v.incident.since, v.incident.last),
        detail: [`for ${duration(v.incident.last - v.incident.since)}`, plural(v.incident.failures, 'failure')].join(' · '),
      }
    : null;
  const text = (kicker: string, title: string, qualifier: string | null, where: Array<string | null>): VerdictText => ({
    kicker,
    title,
    qualifier,
    where: where.filter((x): x is string => Boolean(x)),
    since,
  });

  switch (v.status) {
    case 'healthy':
      return text('HEALTHY', v.label, null, [window]);
    case 'collecting': {
      const lead = v.cause !== 'healthy' ? `So far most like ${v.label}${score ? ` (score ${score})` : ''} — not named yet` : 'No leading cause yet';
      return text('NO VERDICT YET', `Collecting evidence${failures ? `: ${failures} so far` : ''}`, lead, [upstream, window]);
    }
    case 'unexplained':
      return text('NEEDS A LOOK', v.label, `${failures ?? 'Upstream failures'} that match no known pattern`, [upstream, window]);
    default:
      return text('LIKELY CAUSE', v.label, null, [upstream, score !== null ? `confidence ${Math.round(v.score! * 100)} %` : null, window]);
  }
}
