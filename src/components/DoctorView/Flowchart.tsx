// The diagnostic flowchart in plain SVG: the seed's trunk and our extensions, the engine's walk lit, the
// verdict node filled with the verdict's tone, other causes the engine scored outlined as candidates.
import { useId } from 'react';
import { answersOnPath, nodeById } from '../../../collector/diagnose/tree';
import { causeNames, FLOW_TYPE, ID_STRIP, layoutFlowchart, type FlowNodeView, type Orientation } from '../../model/flowchart';
import type { RankedCause } from '../../model/types';
import type { Palette, Tone } from './palette';

export interface FlowchartProps {
  path: string[];
  scores: Array<Pick<RankedCause, 'id' | 'score'>>;
  orientation: Orientation;
  palette: Palette;
  tone: Tone;
  /** Width available; the drawing scales to it, up to `maxScale` (so a wall screen gets bigger type). */
  width: number;
  /** Height it may take at most (a wall screen shows it whole); no limit when not given. */
  maxHeight?: number;
  maxScale?: number;
}

export function Flowchart({ path, scores, orientation, palette: p, tone, width, maxHeight, maxScale = 1.3 }: FlowchartProps) {
  const view = layoutFlowchart(path, scores, orientation);
  const scale = Math.min(maxScale, width / view.width, maxHeight ? maxHeight / view.height : Infinity);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '_');
  const arrow = `fc-arrow-${uid}`;
  const arrowLit = `fc-arrow-lit-${uid}`;
  const answers = view.pathValid ? answersOnPath(path) : {};
  const summary = view.pathValid
    ? path.map((id) => `${nodeById(id)?.label ?? id}${answers[id] ? ` (${answers[id]})` : ''}`).join(' → ')
    : 'no path';

  return (
    <svg
      data-testid="flowchart"
      data-orientation={orientation}
      data-path={view.pathValid ? path.join(',') : ''}
      role="img"
      aria-label={`Diagnostic flowchart. Path: ${summary}`}
      width={Math.round(view.width * scale)}
      height={Math.round(view.height * scale)}
      viewBox={`0 0 ${view.width} ${view.height}`}
      style={{ display: 'block', fontFamily: p.fontFamily, maxWidth: '100%' }}
    >
      <defs>
        <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill={p.muted} />
        </marker>
        <marker id={arrowLit} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill={p.lit} />
        </marker>
      </defs>
      {view.edges.map((e) => {
        const mx = (e.x1 + e.x2) / 2;
        const my = (e.y1 + e.y2) / 2;
        const vertical = Math.abs(e.x1 - e.x2) < 1;
        return (
          <g key={`${e.from}-${e.to}`} data-edge={`${e.from}-${e.to}`} data-lit={e.lit ? 'true' : 'false'}>
            <line
              x1={e.x1}
              y1={e.y1}
              x2={e.x2}
              y2={e.y2}
              stroke={e.lit ? p.lit : p.muted}
              strokeWidth={e.lit ? 4 : 1.3}
              markerEnd={`url(#${e.lit ? arrowLit : arrow})`}
            />
            {e.label && (
              <text
                x={vertical ? mx + 9 : mx}
                y={vertical ? my + FLOW_TYPE.edge * 0.36 : my - 6}
                textAnchor={vertical ? 'start' : 'middle'}
                fontSize={FLOW_TYPE.edge}
                fontWeight={e.lit ? 700 : 400}
                fill={e.lit ? p.lit : p.muted}
              >
                {e.label}
              </text>
            )}
          </g>
        );
      })}
      {view.nodes.map((n) => (
        <Node key={n.id} n={n} p={p} tone={tone} />
      ))}
    </svg>
  );
}

function Node({ n, p, tone }: { n: FlowNodeView; p: Palette; tone: Tone }) {
  const style = nodeStyle(n, p, tone);
  const lineH = FLOW_TYPE.lineHeight;
  // The label block is centred in the node below the id strip, so a long first line never runs into
  // the id or the score (cap height ≈ 0.7 em).
  const mid = n.y + (ID_STRIP + n.h) / 2;
  const top = mid - ((n.lines.length - 1) * lineH) / 2 + FLOW_TYPE.label * 0.35;
  const title = [
    `${n.id}: ${n.label}`,
    n.causes.length ? `causes: ${causeNames(n.causes)}` : '',
    n.trunk ? 'seed flowchart' : 'extension',
    n.state === 'verdict' ? 'the verdict' : n.state === 'lit' ? 'on the path taken' : n.state === 'candidate' ? 'also scored' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <g data-node-id={n.id} data-state={n.state} data-trunk={n.trunk ? 'true' : 'false'}>
      <title>{title}</title>
      <Shape n={n} fill={style.fill} stroke={style.stroke} width={style.strokeWidth} dash={style.dash} />
      <text x={n.x + (n.kind === 'action' ? 6 : 16)} y={n.y + FLOW_TYPE.id + 1} fontSize={FLOW_TYPE.id} fontWeight={700} fill={style.idText}>
        {n.id}
      </text>
      {n.score !== null && (
        <text x={n.x + n.w - 6} y={n.y + FLOW_TYPE.id + 1} fontSize={FLOW_TYPE.id} fontWeight={700} textAnchor="end" fill={style.idText}>
          {n.score.toFixed(2)}
        </text>
      )}
      {n.lines.map((line, i) => (
        <text
          key={i}
          data-role="label"
          x={n.x + n.w / 2}
          y={top + i * lineH}
          textAnchor="middle"
          fontSize={FLOW_TYPE.label}
          fontWeight={style.bold ? 700 : 400}
          fill={style.text}
        >
          {line}
        </text>
      ))}
    </g>
  );
}

function Shape({ n, fill, stroke, width, dash }: { n: FlowNodeView; fill: string; stroke: string; width: number; dash?: string }) {
  const common = { fill, stroke, strokeWidth: width, strokeDasharray: dash };
  if (n.kind === 'question') {
    const k = 12;
    const pts = [
      [n.x + k, n.y],
      [n.x + n.w - k, n.y],
      [n.x + n.w, n.y + n.h / 2],
      [n.x + n.w - k, n.y + n.h],
      [n.x + k, n.y + n.h],
      [n.x, n.y + n.h / 2],
    ]
      .map((q) => q.join(','))
      .join(' ');
    return <polygon points={pts} {...common} />;
  }
  return <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={n.kind === 'start' ? n.h / 2 : 5} {...common} />;
}

function nodeStyle(n: FlowNodeView, p: Palette, tone: Tone) {
  const idleDash = n.trunk ? undefined : '5 4';
  switch (n.state) {
    case 'verdict':
      return { fill: p.toneFill[tone], stroke: p.toneFill[tone], strokeWidth: 3, text: p.onToneFill, idText: p.onToneFill, bold: true };
    case 'lit':
      return { fill: p.litFill, stroke: p.lit, strokeWidth: 2.5, text: p.text, idText: p.lit, bold: true };
    case 'candidate':
      return { fill: p.surface, stroke: p.tone.warn, strokeWidth: 2, dash: '6 3', text: p.text, idText: p.tone.warn, bold: false };
    default:
      return { fill: p.surface, stroke: p.border, strokeWidth: 1.2, dash: idleDash, text: p.muted, idText: p.muted, bold: false };
  }
}
