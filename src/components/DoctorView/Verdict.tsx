// The verdict banner: the one thing a wall screen must carry across a room. Solid tone fill, a shape that
// says the same as the colour, the cause in the largest type the tile allows, and since when the upstream
// has been failing. The words come from verdictText, which follows how far the verdict got.
import type { DoctorModel } from '../../model/types';
import { verdictTone } from '../../model/status';
import { verdictText } from '../../model/verdictText';
import type { Palette, Tone } from './palette';

export function ToneIcon({ tone, size, color }: { tone: Tone; size: number; color: string }) {
  const common = { width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': true as const, style: { flex: 'none' } };
  switch (tone) {
    case 'ok':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="10.5" fill="none" stroke={color} strokeWidth="2.5" />
          <path d="M7 12.5l3.2 3.2L17.5 8" fill="none" stroke={color} strokeWidth="2.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      );
    case 'warn':
      return (
        <svg {...common}>
          <path d="M12 2.5L22.5 21h-21z" fill="none" stroke={color} strokeWidth="2.3" strokeLinejoin="round" />
          <path d="M12 9v5.5M12 17.6v.4" stroke={color} strokeWidth="2.6" strokeLinecap="round" />
        </svg>
      );
    case 'bad':
      return (
        <svg {...common}>
          <path d="M8 1.5h8L22.5 8v8L16 22.5H8L1.5 16V8z" fill="none" stroke={color} strokeWidth="2.3" strokeLinejoin="round" />
          <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke={color} strokeWidth="2.6" strokeLinecap="round" />
        </svg>
      );
    default:
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="10.5" fill="none" stroke={color} strokeWidth="2.3" />
          <path d="M9.2 9.3a2.9 2.9 0 115 2c-.9.8-2.2 1.3-2.2 2.9M12 17.6v.4" fill="none" stroke={color} strokeWidth="2.4" strokeLinecap="round" />
        </svg>
      );
  }
}

export interface VerdictProps {
  model: DoctorModel;
  palette: Palette;
  /** Size of the cause name in px; the rest scales from it. */
  size: number;
  formatTime: (ms: number) => string;
  /** The start of an incident ("since 20:12 UTC"). */
  formatClock: (ms: number, ref: number) => string;
  /** A small tile: "since" joins a shorter where line instead of taking a block of its own. */
  compact?: boolean;
}

export function VerdictBanner({ model, palette, size, formatTime, formatClock, compact = false }: VerdictProps) {
  const v = model.verdict;
  const tone = verdictTone(v);
  const fg = palette.onToneFill;
  const t = verdictText(v, { time: formatTime, clock: formatClock });
  const line = Math.max(12, Math.round(size * 0.4));
  // A small tile keeps one short line: since when, and the first of where (the upstream, if there is one).
  const where = compact ? [...(t.since ? [`since ${t.since.at}`] : []), ...t.where.slice(0, 1)] : t.where;
  const sinceBlock = !compact && t.since;
  return (
    <div
      data-testid="verdict"
      data-cause={v?.cause ?? ''}
      data-status={v?.status ?? ''}
      data-tone={tone}
      role="status"
      aria-live="polite"
      style={{
        background: palette.toneFill[tone],
        color: fg,
        borderRadius: 6,
        padding: `${Math.round(size * 0.3)}px ${Math.round(size * 0.45)}px`,
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        columnGap: Math.round(size * 0.6),
        rowGap: Math.round(size * 0.15),
        minWidth: 0,
      }}
    >
      {/* Wide enough for the cause name: when it and "since" do not fit side by side, "since" wraps below. */}
      <div style={{ display: 'flex', alignItems: 'center', gap: Math.round(size * 0.4), minWidth: 0, flex: `1 1 ${size * 10}px` }}>
        <ToneIcon tone={tone} size={Math.round(size * 1.5)} color={fg} />
        <div style={{ minWidth: 0 }}>
          <div style={{ fontSize: Math.max(11, Math.round(size * 0.36)), fontWeight: 700, letterSpacing: '0.08em', opacity: 0.9 }}>
            {t.kicker}
          </div>
          <div data-testid="verdict-label" style={{ fontSize: size, fontWeight: 700, lineHeight: 1.12, overflowWrap: 'anywhere' }}>
            {t.title}
          </div>
          {t.qualifier && (
            <div data-testid="verdict-qualifier" style={{ fontSize: Math.max(13, Math.round(size * 0.5)), fontWeight: 600, marginTop: 2, overflowWrap: 'anywhere' }}>
              {t.qualifier}
            </div>
          )}
          {where.length > 0 && (
            <div data-testid="verdict-where" style={{ fontSize: line, opacity: 0.92, marginTop: 2, overflowWrap: 'anywhere' }}>
              {where.join(' · ')}
            </div>
          )}
        </div>
      </div>
      {sinceBlock && (
        // Beside the cause on a wide screen, under it on a narrow one: the flex row wraps.
        <div data-testid="verdict-since" style={{ flex: 'none', textAlign: 'right', marginLeft: 'auto', minWidth: 0 }}>
          <div style={{ fontSize: Math.max(11, Math.round(size * 0.36)), fontWeight: 700, letterSpacing: '0.08em', opacity: 0.9 }}>FAILING SINCE</div>
          <div data-testid="verdict-since-at" style={{ fontSize: Math.max(16, Math.round(size * 0.75)), fontWeight: 700, lineHeight: 1.12, whiteSpace: 'nowrap' }}>
            {sinceBlock.at}
          </div>
          <div style={{ fontSize: line, opacity: 0.92, marginTop: 2, whiteSpace: 'nowrap' }}>{sinceBlock.detail}</div>
        </div>
      )}
    </div>
  );
}
