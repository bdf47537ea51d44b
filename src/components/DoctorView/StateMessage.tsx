// Loading, no data and errors: said in words at verdict size, never a blank tile.
import type { ModelState } from '../../model/types';
import { ToneIcon } from './Verdict';
import type { Palette } from './palette';

const TITLE: Record<Exclude<ModelState, 'ready'>, string> = {
  loading: 'Diagnosing…',
  empty: 'No data',
  error: 'Cannot diagnose',
};

export function StateMessage({ state, message, palette: p, size }: { state: Exclude<ModelState, 'ready'>; message: string | null; palette: Palette; size: number }) {
  const tone = state === 'error' ? 'warn' : 'unknown';
  return (
    <div
      data-testid={`state-${state}`}
      role={state === 'error' ? 'alert' : 'status'}
      style={{ display: 'flex', alignItems: 'center', gap: 14, padding: '12px 4px', color: state === 'error' ? p.tone.warn : p.muted }}
    >
      <ToneIcon tone={tone} size={Math.round(size * 1.3)} color={state === 'error' ? p.tone.warn : p.muted} />
      <div style={{ minWidth: 0 }}>
        <div style={{ fontSize: size, fontWeight: 700 }}>{TITLE[state]}</div>
        {message && <div style={{ fontSize: Math.max(13, Math.round(size * 0.45)), color: p.text, overflowWrap: 'anywhere' }}>{message}</div>}
      </div>
    </div>
  );
}
