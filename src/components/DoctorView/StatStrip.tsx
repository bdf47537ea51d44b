// The four figures the seeds name, large enough to read from across the room, each with its tone.
import { count, pct, seconds } from '../../model/format';
import { p95Tone, rate502Tone, writingTone } from '../../model/status';
import type { Stats } from '../../model/types';
import type { Thresholds } from '../../options';
import type { Palette, Tone } from './palette';
import { card } from './styles';
import type { TypeScale } from './typeScale';

interface Tile {
  key: string;
  label: string;
  value: string;
  sub: string;
  tone: Tone;
}

export function tiles(s: Stats, t: Thresholds): Tile[] {
  const ratio = s.p95S !== null && s.readTimeoutS ? s.p95S / s.readTimeoutS : null;
  return [
    {
      key: 'rate502',
      label: '502 rate',
      value: pct(s.rate502),
      sub: `warn above ${pct(t.rate502)}${s.requests !== null ? ` · ${count(s.requests)} requests` : ''}`,
      tone: rate502Tone(s.rate502, t),
    },
    {
      key: 'p95',
      label: 'P95 upstream time',
      value: seconds(s.p95S),
      sub: s.readTimeoutS ? `${pct(ratio)} of proxy_read_timeout ${seconds(s.readTimeoutS)}` : 'proxy_read_timeout unknown',
      tone: p95Tone(s.p95S, s.readTimeoutS, t),
    },
    {
      key: 'writing',
      label: 'Writing share',
      value: pct(s.writingShare),
      sub: s.writingShare === null ? 'needs stub_status' : `warn above ${pct(t.writingShare)}`,
      tone: writingTone(s.writingShare, t),
    },
    {
      key: 'reuse',
      label: 'Reused connections',
      value: pct(s.reuseShare),
      sub: 'connect time 0: pooled keepalive',
      tone: 'unknown',
    },
  ];
}

export interface StatStripProps {
  stats: Stats;
  thresholds: Thresholds;
  palette: Palette;
  width: number;
  type: TypeScale;
}

export function StatStrip({ stats, thresholds, palette: p, width, type }: StatStripProps) {
  const items = tiles(stats, thresholds);
  const cols = width >= 600 ? 4 : width >= 380 ? 2 : 1;
  const big = Math.max(20, Math.min(40, Math.round(width / (cols * 7))));
  return (
    <div data-testid="stats" style={{ display: 'grid', gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gap: 10 }}>
      {items.map((it) => (
        <div key={it.key} data-testid={`stat-${it.key}`} data-tone={it.tone} style={{ ...card(p), borderLeft: `5px solid ${p.tone[it.tone]}` }}>
          <div style={{ fontSize: type.small, color: p.muted, fontWeight: 600 }}>{it.label}</div>
          <div style={{ fontSize: big, fontWeight: 700, color: it.tone === 'unknown' ? p.text : p.tone[it.tone], lineHeight: 1.15 }}>
            {it.value}
          </div>
          <div style={{ fontSize: type.small, color: p.muted }}>{it.sub}</div>
        </div>
      ))}
    </div>
  );
}
