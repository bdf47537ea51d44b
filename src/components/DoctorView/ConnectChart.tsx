// Upstream connect-time distribution. The first bar (connect time exactly 0) is the pooled connections
// nginx reused: the share that matters when 502s come from dead keepalive connections.
import type { ConnectDistribution } from '../../model/types';
import { count, pct } from '../../model/format';
import type { Palette } from './palette';
import { card, heading } from './styles';
import { typeScale, type TypeScale } from './typeScale';

export function bucketLabel(le: number | null, below: number | null = null): string {
  if (le === null) return below === null ? 'all' : `>${bucketLabel(below).replace('≤', '')}`;
  if (le === 0) return 'reused';
  if (le < 1) return `≤${Math.round(le * 1000)}ms`;
  return `≤${le}s`;
}

export interface ConnectChartProps {
  dist: ConnectDistribution | null;
  width: number;
  height: number;
  palette: Palette;
  type?: TypeScale;
}

export function ConnectChart({ dist, width, height, palette: p, type = typeScale(0) }: ConnectChartProps) {
  const inner = width - 24;
  const has = dist !== null && dist.total > 0;
  const reused = dist?.buckets.find((b) => b.le === 0)?.count ?? 0;
  return (
    <section data-testid="connect-chart" style={{ ...card(p), width }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'baseline' }}>
        <h3 style={heading(p, type.heading)}>Upstream connect time</h3>
        {has && (
          <span data-testid="reuse-share" style={{ fontSize: Math.max(18, Math.round(type.heading * 1.3)), fontWeight: 700, color: p.lit, whiteSpace: 'nowrap' }}>
            {pct(dist!.reuseShare)} reused
          </span>
        )}
      </div>
      {!has ? (
        <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center', color: p.muted, fontSize: type.body }}>
          No connect times (log $upstream_connect_time)
        </div>
      ) : (
        <Bars dist={dist!} width={inner} height={height} p={p} />
      )}
      {has && (
        <div style={{ fontSize: type.small, color: p.muted }}>
          {count(reused)} of {count(dist!.total)} attempts on a pooled connection (connect time 0)
        </div>
      )}
    </section>
  );
}

/** Where the start-anchored "reused" label ends, plus half a neighbouring label and a gap. */
const REUSED_LABEL_END = 68;

function Bars({ dist, width, height, p }: { dist: ConnectDistribution; width: number; height: number; p: Palette }) {
  const bottom = 30;
  const top = 14;
  const plotH = Math.max(20, height - bottom - top);
  const n = dist.buckets.length;
  const slot = width / n;
  const barW = Math.max(3, slot * 0.72);
  const maxC = Math.max(1, ...dist.buckets.map((b) => b.count));
  const every = slot < 34 ? Math.ceil(34 / slot) : 1;
  return (
    <svg width={width} height={height} style={{ display: 'block', fontFamily: p.fontFamily }} role="img" aria-label="Connect time histogram">
      <line x1={0} x2={width} y1={top + plotH} y2={top + plotH} stroke={p.grid} />
      {dist.buckets.map((b, i) => {
        const h = (b.count / maxC) * plotH;
        const x = i * slot + (slot - barW) / 2;
        const isReuse = b.le === 0;
        return (
          <g key={i} data-le={b.le === null ? '+Inf' : b.le} data-count={b.count}>
            <title>{`${bucketLabel(b.le, dist.buckets[i - 1]?.le ?? null)}: ${b.count}`}</title>
            <rect x={x} y={top + plotH - h} width={barW} height={Math.max(h, b.count > 0 ? 1 : 0)} fill={isReuse ? p.lit : p.series[2 % p.series.length]} opacity={isReuse ? 1 : 0.75} />
            {b.count > 0 && slot >= 22 && (
              <text x={x + barW / 2} y={top + plotH - h - 3} textAnchor="middle" fontSize={10} fill={p.muted}>
                {count(b.count)}
              </text>
            )}
            {/* The first label ("reused") runs wider than its bar: labels centred under it give way. */}
            {(isReuse || (i % every === 0 && i * slot + slot / 2 >= REUSED_LABEL_END)) && (
              <text
                x={i === 0 ? x : x + barW / 2}
                y={top + plotH + 13}
                textAnchor={i === 0 ? 'start' : 'middle'}
                fontSize={isReuse ? 11 : 10}
                fontWeight={isReuse ? 700 : 400}
                fill={isReuse ? p.lit : p.muted}
              >
                {bucketLabel(b.le, dist.buckets[i - 1]?.le ?? null)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
