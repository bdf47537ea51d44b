// React state for one diagnosis URL: fetched when the URL changes (and every `refreshMs` when given),
// the previous answer for the same URL kept while a refresh loads so a wall screen never blinks, and
// requests in flight aborted when they are no longer wanted.
import { useEffect, useState } from 'react';
import type { Diagnosis } from '../../collector/report/diagnosis';
import { DiagnosisApiError, fetchDiagnosis } from './diagnosisClient';

export type DiagnosisState =
  | { status: 'idle' }
  | { status: 'loading'; url: string; previous: Diagnosis | null }
  | { status: 'ok'; url: string; diagnosis: Diagnosis; at: number }
  | { status: 'error'; url: string; error: string; previous: Diagnosis | null };

export function useDiagnosis(
  url: string | null,
  opts: { fetchImpl?: typeof fetch; refreshMs?: number } = {},
): DiagnosisState {
  const [state, setState] = useState<DiagnosisState>(url ? { status: 'loading', url, previous: null } : { status: 'idle' });
  const [tick, setTick] = useState(0);
  const { fetchImpl, refreshMs } = opts;

  useEffect(() => {
    if (!refreshMs || refreshMs <= 0 || !url) return;
    const id = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(id);
  }, [url, refreshMs]);

  useEffect(() => {
    if (!url) {
      setState({ status: 'idle' });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ status: 'loading', url, previous: previousOf(s, url) }));
    fetchDiagnosis(url, { fetchImpl, signal: ctl.signal }).then(
      (diagnosis) => {
        if (!ctl.signal.aborted) setState({ status: 'ok', url, diagnosis, at: Date.now() });
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        const error = e instanceof DiagnosisApiError ? e.message : `collector API: ${(e as Error)?.message ?? String(e)}`;
        setState((s) => ({ status: 'error', url, error, previous: previousOf(s, url) }));
      },
    );
    return () => ctl.abort();
  }, [url, tick, fetchImpl]);

  // A state left over from another URL must not be shown as this one's answer.
  if (url && state.status !== 'idle' && state.url !== url) return { status: 'loading', url, previous: null };
  return state;
}

/** The last good answer for `url`, if the state holds one. */
export function previousOf(s: DiagnosisState, url: string): Diagnosis | null {
  if (s.status === 'idle' || s.url !== url) return null;
  return s.status === 'ok' ? s.diagnosis : s.previous;
}

/** The answer to draw: the current one, or the last good one while refreshing or after a failed refresh. */
export function diagnosisOf(s: DiagnosisState): Diagnosis | null {
  if (s.status === 'ok') return s.diagnosis;
  if (s.status === 'loading' || s.status === 'error') return s.previous;
  return null;
}
