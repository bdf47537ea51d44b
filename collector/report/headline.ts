// The verdict's first words, as the terminal report and the server-rendered fallback page print them: what
// the engine named, or that it is still collecting evidence, or that the failures match nothing known.
// "Healthy" only for a healthy status, whatever the top of the ranking holds.
import type { Diagnosis } from './diagnosis';

export interface Headline {
  /** The big words. */
  title: string;
  /** The candidate behind a verdict that is not named yet ("Leaning" / "Closest"), or null. */
  candidate: { role: 'Leaning' | 'Closest'; label: string } | null;
  healthy: boolean;
}

export function headline(d: Pick<Diagnosis, 'status' | 'likely_cause' | 'failures' | 'causes'>): Headline {
  const status = d.status ?? (d.likely_cause === 'healthy' ? 'healthy' : 'named');
  const top = d.causes.find((c) => c.id === d.likely_cause) ?? d.causes[0];
  const lead = d.likely_cause !== 'healthy' && top ? top.label : null;
  const failures = `${d.failures} upstream failure${d.failures === 1 ? '' : 's'}`;
  switch (status) {
    case 'collecting':
      return { title: `Collecting evidence: ${failures} so far`, candidate: lead ? { role: 'Leaning', label: lead } : null, healthy: false };
    case 'unexplained':
      return { title: 'Unexplained upstream failures', candidate: lead ? { role: 'Closest', label: lead } : null, healthy: false };
    case 'healthy':
      return { title: 'Healthy', candidate: null, healthy: true };
    default:
      return { title: top?.label ?? d.likely_cause, candidate: null, healthy: false };
  }
}
