// One row per upstream: its own verdict and figures. Choosing a row narrows the diagnosis to it.
import { CAUSES } from '../../../collector/diagnose/causes';
import { count, pct, seconds } from '../../model/format';
import { rate502Tone } from '../../model/status';
import type { UpstreamRow } from '../../model/types';
import type { Thresholds } from '../../options';
import type { Palette } from './palette';
import { card, heading } from './styles';
import { typeScale, type TypeScale } from './typeScale';

export interface UpstreamTableProps {
  rows: UpstreamRow[];
  selected: string | null;
  palette: Palette;
  thresholds: Thresholds;
  onSelect?: (upstream: string | null) => void;
  type?: TypeScale;
}

/**
 * A row's verdict in words. The per-upstream rows carry no status, so a "healthy" row that still had
 * failures is not called healthy: the engine only found nothing to name there.
 */
export function rowVerdict(r: Pick<UpstreamRow, 'cause' | 'failures'>): string | null {
  if (!r.cause) return null;
  if (r.cause === 'healthy' && (r.failures ?? 0) > 0) return `No cause named (${r.failures} failed)`;
  return CAUSES[r.cause]?.label ?? r.cause;
}

export function UpstreamTable({ rows, selected, palette: p, thresholds, onSelect, type = typeScale(0) }: UpstreamTableProps) {
  const cell = { padding: '4px 8px', borderBottom: `1px solid ${p.grid}`, textAlign: 'left' as const, whiteSpace: 'nowrap' as const };
  const num = { ...cell, textAlign: 'right' as const, fontVariantNumeric: 'tabular-nums' as const };
  return (
    <section data-testid="upstreams" style={card(p)}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 8 }}>
        <h3 style={heading(p, type.heading)}>Per upstream</h3>
        {selected !== null && onSelect && (
          <button type="button" data-testid="upstream-all" onClick={() => onSelect(null)} style={linkButton(p)}>
            Show all upstreams
          </button>
        )}
      </div>
      {rows.length === 0 ? (
        <div style={{ color: p.muted, fontSize: type.body }}>No per-upstream series</div>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: type.body }}>
            <thead>
              <tr style={{ color: p.muted }}>
                <th style={cell}>Upstream</th>
                <th style={cell}>Verdict</th>
                <th style={num}>Requests</th>
                <th style={num}>502 rate</th>
                <th style={num}>P95</th>
                <th style={num}>Reused</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const isSel = r.upstream === selected;
                const tone = rate502Tone(r.rate502, thresholds);
                return (
                  <tr
                    key={r.upstream}
                    data-testid="upstream-row"
                    data-upstream={r.upstream}
                    data-selected={isSel ? 'true' : 'false'}
                    style={{ background: isSel ? p.litFill : undefined }}
                  >
                    <td style={cell}>
                      {onSelect ? (
                        <button
                          type="button"
                          onClick={() => onSelect(isSel ? null : r.upstream)}
                          aria-pressed={isSel}
                          title={isSel ? 'Show all upstreams' : `Diagnose ${r.upstream} alone`}
                          style={{ ...linkButton(p), fontWeight: isSel ? 700 : 500 }}
                        >
                          {r.upstream || '(all)'}
                        </button>
                      ) : (
                        r.upstream || '(all)'
                      )}
                    </td>
                    <td style={cell}>
                      {r.cause ? (
                        <span style={{ color: r.cause === 'healthy' && !r.failures ? p.tone.ok : p.text }}>
                          {rowVerdict(r)}
                          {r.score !== null && <span style={{ color: p.muted }}> · {r.score.toFixed(2)}</span>}
                        </span>
                      ) : (
                        <span style={{ color: p.muted }}>–</span>
                      )}
                    </td>
                    <td style={num}>{count(r.requests)}</td>
                    <td style={{ ...num, color: tone === 'bad' ? p.tone.bad : p.text, fontWeight: tone === 'bad' ? 700 : 400 }}>{pct(r.rate502)}</td>
                    <td style={num}>{seconds(r.p95S)}</td>
                    <td style={num}>{pct(r.reuseShare)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function linkButton(p: Palette) {
  return {
    font: 'inherit',
    color: p.lit,
    background: 'none',
    border: 'none',
    padding: 0,
    cursor: 'pointer',
    textDecoration: 'underline',
    textUnderlineOffset: 2,
  } as const;
}
