// A small SVG time chart: lines per series, horizontal rules (thresholds, limits), and drill-down:
// drag across it to choose a window, or click (or focus a point and press Enter) to choose the
// window of one point. No chart library: a few hundred lines of SVG beat a 100 KB dependency here.
import { useRef, useState, type ReactNode } from 'react';
import type { Line, TimeWindow } from '../../model/types';
import type { Palette, Tone } from './palette';
import { card, heading } from './styles';
import { typeScale, type TypeScale } from './typeScale';

export interface Rule {
  value: number;
  label: string;
  color: string;
  dash?: boolean;
}

/** A moment marked across the plot, e.g. when the current incident began. */
export interface Marker {
  t: number;
  label: string;
  color: string;
}

export interface TimeChartProps {
  title: string;
  testId: string;
  lines: Line[];
  width: number;
  height: number;
  palette: Palette;
  formatValue: (v: number) => string;
  formatTime: (ms: number) => string;
  rules?: Rule[];
  markers?: Marker[];
  /** Text sizes; the dashboard's small ones when not given. */
  type?: TypeScale;
  /** The y axis reaches at least this far (0..1 shares: 1 keeps them honest). */
  yMaxAtLeast?: number;
  range?: TimeWindow | null;
  selection?: TimeWindow | null;
  stepMs?: number | null;
  headline?: ReactNode;
  headlineTone?: Tone;
  empty?: string;
  onSelect?: (w: TimeWindow) => void;
}

const CLICK_PX = 5;
const SMALL = typeScale(0);

/** Plot margins: room for the value labels on the left and the time labels below, at this axis size. */
function margins(axis: number) {
  return { top: 8, right: 10, bottom: Math.round(axis * 2), left: Math.round(axis * 4.6) };
}

export function TimeChart(props: TimeChartProps) {
  const { lines, width, height, palette: p, rules = [], markers = [], onSelect } = props;
  const type = props.type ?? SMALL;
  const fs = type.axis;
  const M = margins(fs);
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const pts = lines.flatMap((l) => l.points);
  const values = pts.map((q) => q.v).filter((v): v is number => v !== null);
  const plotW = Math.max(20, width - 24 - M.left - M.right);
  const plotH = Math.max(30, height - M.top - M.bottom);
  const step = props.stepMs && props.stepMs > 0 ? props.stepMs : guessStep(pts.map((q) => q.t));

  const hasData = values.length > 0;
  const times = pts.map((q) => q.t);
  const t0 = props.range?.from ?? (times.length ? Math.min(...times) : 0);
  const t1raw = props.range?.to ?? (times.length ? Math.max(...times) + step : 1);
  const t1 = t1raw > t0 ? t1raw : t0 + Math.max(step, 1);
  const yMax = niceMax(Math.max(props.yMaxAtLeast ?? 0, ...values, ...rules.map((r) => r.value)) || 1);
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const tOfX = (px: number) => t0 + ((Math.min(Math.max(px, M.left), M.left + plotW) - M.left) / plotW) * (t1 - t0);

  const localX = (clientX: number) => {
    const box = svgRef.current?.getBoundingClientRect();
    return box ? clientX - box.left : clientX;
  };
  const nearest = (t: number) => {
    let best: number | null = null;
    let bestD = Infinity;
    for (const q of pts) {
      if (q.v === null) continue;
      // A point stands for the window starting at q.t: a click anywhere inside it picks it.
      const d = t >= q.t && t < q.t + step ? 0 : Math.min(Math.abs(t - q.t), Math.abs(t - (q.t + step)));
      if (d < bestD) {
        bestD = d;
        best = q.t;
      }
    }
    return bestD <= step ? best : null;
  };
  const finish = (x1: number) => {
    if (!drag || !onSelect) return setDrag(null);
    const a = Math.min(drag.x0, x1);
    const b = Math.max(drag.x0, x1);
    setDrag(null);
    if (b - a >= CLICK_PX) {
      onSelect({ from: Math.floor(tOfX(a)), to: Math.ceil(tOfX(b)) });
      return;
    }
    const t = nearest(tOfX(x1));
    if (t !== null) onSelect({ from: t, to: t + step });
  };

  return (
    <section data-testid={props.testId} style={{ ...card(p), width }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'baseline' }}>
        <h3 style={heading(p, type.heading)}>{props.title}</h3>
        {props.headline !== undefined && (
          <span
            data-testid={`${props.testId}-headline`}
            style={{ fontSize: Math.max(18, Math.round(type.heading * 1.3)), fontWeight: 700, color: p.tone[props.headlineTone ?? 'unknown'], whiteSpace: 'nowrap' }}
          >
            {props.headline}
          </span>
        )}
      </div>
      {!hasData ? (
        <div style={{ height: plotH + M.top + M.bottom, display: 'flex', alignItems: 'center', justifyContent: 'center', color: p.muted, fontSize: type.body }}>
          {props.empty ?? 'No data'}
        </div>
      ) : (
        <svg
          ref={svgRef}
          width={width - 24}
          height={height}
          style={{ display: 'block', fontFamily: p.fontFamily, cursor: onSelect ? 'crosshair' : 'default', userSelect: 'none', touchAction: 'none' }}
          onMouseDown={onSelect ? (e) => setDrag({ x0: localX(e.clientX), x1: localX(e.clientX) }) : undefined}
          onMouseMove={drag ? (e) => setDrag({ ...drag, x1: localX(e.clientX) }) : undefined}
          onMouseUp={drag ? (e) => finish(localX(e.clientX)) : undefined}
          onMouseLeave={drag ? () => setDrag(null) : undefined}
        >
          {gridValues(yMax).map((v) => (
            <g key={v}>
              <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} stroke={p.grid} strokeWidth={1} />
              <text x={M.left - 4} y={y(v) + fs * 0.35} textAnchor="end" fontSize={fs} fill={p.muted}>
                {props.formatValue(v)}
              </text>
            </g>
          ))}
          <text x={M.left} y={height - fs * 0.5} fontSize={fs} fill={p.muted}>
            {props.formatTime(t0)}
          </text>
          <text x={M.left + plotW} y={height - fs * 0.5} fontSize={fs} fill={p.muted} textAnchor="end">
            {props.formatTime(t1)}
          </text>
          {props.selection && props.selection.to > t0 && props.selection.from < t1 && (
            <rect
              data-testid={`${props.testId}-selection`}
              x={x(Math.max(t0, props.selection.from))}
              y={M.top}
              width={Math.max(2, x(Math.min(t1, props.selection.to)) - x(Math.max(t0, props.selection.from)))}
              height={plotH}
              fill={p.selection}
            />
          )}
          {rules.map((r) => (
            <g key={r.label} data-rule={r.label}>
              <line
                x1={M.left}
                x2={M.left + plotW}
                y1={y(r.value)}
                y2={y(r.value)}
                stroke={r.color}
                strokeWidth={r.dash ? 1.5 : 2}
                strokeDasharray={r.dash ? '6 4' : undefined}
              />
              <text
                x={M.left + plotW - 2}
                y={y(r.value) - 3 < M.top + fs ? y(r.value) + fs + 1 : y(r.value) - 3}
                textAnchor="end"
                fontSize={fs}
                fontWeight={600}
                fill={r.color}
              >
                {r.label}
              </text>
            </g>
          ))}
          {markers
            .filter((m) => m.t >= t0 && m.t <= t1)
            .map((m) => (
              <g key={`${m.t}-${m.label}`} data-marker={m.label}>
                <line x1={x(m.t)} x2={x(m.t)} y1={M.top} y2={M.top + plotH} stroke={m.color} strokeWidth={2} strokeDasharray="4 3" />
                <text
                  x={x(m.t) > M.left + plotW / 2 ? x(m.t) - 4 : x(m.t) + 4}
                  y={M.top + fs}
                  textAnchor={x(m.t) > M.left + plotW / 2 ? 'end' : 'start'}
                  fontSize={fs}
                  fontWeight={700}
                  fill={m.color}
                >
                  {m.label}
                </text>
              </g>
            ))}
          {lines.map((l, i) => {
            const color = p.series[i % p.series.length];
            return (
              <g key={l.name} data-line={l.name}>
                <path d={pathOf(l, x, y, step)} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" />
                {l.points.map((q) =>
                  q.v === null ? null : (
                    <circle
                      key={q.t}
                      data-t={q.t}
                      data-v={q.v}
                      cx={x(q.t + step / 2)}
                      cy={y(q.v)}
                      r={3.5}
                      fill={color}
                      tabIndex={onSelect ? 0 : undefined}
                      role={onSelect ? 'button' : undefined}
                      aria-label={`${l.name} ${props.formatTime(q.t)}: ${props.formatValue(q.v)}${onSelect ? '. Enter diagnoses this window' : ''}`}
                      style={{ pointerEvents: 'none', outline: 'none' }}
                      onKeyDown={onSelect ? (e) => e.key === 'Enter' && onSelect({ from: q.t, to: q.t + step }) : undefined}
                    >
                      <title>{`${l.name} ${props.formatTime(q.t)}: ${props.formatValue(q.v)}`}</title>
                    </circle>
                  ),
                )}
              </g>
            );
          })}
          {drag && Math.abs(drag.x1 - drag.x0) >= CLICK_PX && (
            <rect
              x={Math.min(drag.x0, drag.x1)}
              y={M.top}
              width={Math.abs(drag.x1 - drag.x0)}
              height={plotH}
              fill={p.selection}
              stroke={p.lit}
            />
          )}
        </svg>
      )}
      {onSelect && hasData && (
        <div style={{ fontSize: type.small, color: p.muted }}>Drag across, or click a point, to diagnose that window</div>
      )}
      {lines.length > 1 && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: '2px 10px', fontSize: type.small, color: p.muted }}>
          {lines.slice(0, 8).map((l, i) => (
            <span key={l.name} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
              <span style={{ width: 10, height: 3, background: p.series[i % p.series.length], display: 'inline-block' }} />
              {l.name}
            </span>
          ))}
          {lines.length > 8 && <span>+{lines.length - 8} more</span>}
        </div>
      )}
    </section>
  );
}

/** Through the middle of each point's window; breaks at nulls; a lone point spans its window. */
function pathOf(l: Line, x: (t: number) => number, y: (v: number) => number, step: number): string {
  let d = '';
  let open = false;
  for (const q of l.points) {
    if (q.v === null) {
      open = false;
      continue;
    }
    d += `${open ? 'L' : 'M'}${x(q.t + step / 2).toFixed(1)},${y(q.v).toFixed(1)}`;
    open = true;
  }
  const real = l.points.filter((q) => q.v !== null);
  if (real.length === 1) {
    const q = real[0];
    d = `M${x(q.t).toFixed(1)},${y(q.v!).toFixed(1)}L${x(q.t + step).toFixed(1)},${y(q.v!).toFixed(1)}`;
  }
  return d;
}

function guessStep(ts: number[]): number {
  const u = [...new Set(ts)].sort((a, b) => a - b);
  if (u.length < 2) return 10_000;
  let best = Infinity;
  for (let i = 1; i < u.length; i++) best = Math.min(best, u[i] - u[i - 1]);
  return best;
}

/**
 * Grid lines: zero, the top, and a round value between them (half the top, unless half of it is not
 * round: a top of 25 % gets its middle line at 10 %, not at a "13 %" that is really 12.5).
 */
export function gridValues(yMax: number): number[] {
  const mid = niceMax(yMax / 2.5);
  return mid > 0 && mid < yMax ? [0, mid, yMax] : [0, yMax];
}

/** 1, 2, 2.5 or 5 times a power of ten, at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * mag * 1.0000001) return m * mag;
  return 10 * mag;
}
