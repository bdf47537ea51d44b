// The flowchart as something to draw: which nodes and edges the engine's walk lit, and where each node
// sits. The tree itself (nodes, edges, paths) comes from the collector's tree.ts, never a copy.
import { CAUSES, type CauseId } from '../../collector/diagnose/causes';
import { EDGES, NODES, ROOT, type FlowEdge, type NodeKind } from '../../collector/diagnose/tree';

export type NodeState = 'verdict' | 'lit' | 'candidate' | 'idle';
export type Orientation = 'vertical' | 'horizontal';

export interface FlowNodeView {
  id: string;
  kind: NodeKind;
  label: string;
  trunk: boolean;
  causes: CauseId[];
  state: NodeState;
  /** Best score among this node's causes when the engine scored one (verdict and candidates). */
  score: number | null;
  x: number;
  y: number;
  w: number;
  h: number;
  lines: string[];
}

export interface FlowEdgeView {
  from: string;
  to: string;
  label: FlowEdge['label'];
  lit: boolean;
  /** Start and end points on the node borders. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface FlowchartView {
  nodes: FlowNodeView[];
  edges: FlowEdgeView[];
  width: number;
  height: number;
  /** False when the path given does not follow this flowchart's edges (then nothing is lit). */
  pathValid: boolean;
}

/** Scores below this do not mark a leaf as "also considered". */
export const CANDIDATE_MIN_SCORE = 0.25;

/** A walk is valid when it starts at the root and each step is an edge of the tree. */
export function isValidPath(path: readonly string[]): boolean {
  if (path.length === 0 || path[0] !== ROOT) return false;
  for (let i = 0; i + 1 < path.length; i++) {
    if (!EDGES.some((e) => e.from === path[i] && e.to === path[i + 1])) return false;
  }
  return true;
}

export function nodeStates(
  path: readonly string[],
  scores: ReadonlyArray<{ id: CauseId; score: number | null }>,
): Map<string, { state: NodeState; score: number | null }> {
  const valid = isValidPath(path);
  const leaf = valid ? path[path.length - 1] : null;
  const out = new Map<string, { state: NodeState; score: number | null }>();
  for (const n of NODES) {
    const best = bestScore(n.causes ?? [], scores);
    let state: NodeState = 'idle';
    if (valid && n.id === leaf) state = 'verdict';
    else if (valid && path.includes(n.id)) state = 'lit';
    else if (n.kind === 'action' && best !== null && best >= CANDIDATE_MIN_SCORE && !(n.causes ?? []).includes('healthy')) {
      state = 'candidate';
    }
    out.set(n.id, { state, score: state === 'verdict' || state === 'candidate' ? best : null });
  }
  return out;
}

function bestScore(causes: readonly CauseId[], scores: ReadonlyArray<{ id: CauseId; score: number | null }>): number | null {
  let best: number | null = null;
  for (const s of scores) {
    if (causes.includes(s.id) && s.score !== null && (best === null || s.score > best)) best = s.score;
  }
  return best;
}

interface Grid {
  /** Steps along the main axis (down, or right). */
  rank: number;
  /** Steps across it. */
  cross: number;
}

/**
 * Spine layout: the walk's "no" answers continue along the main axis, and every "yes" (or "no failures")
 * steps to the side at the same rank, the way the troubleshooting flowchart is usually drawn. A side
 * branch that goes on (none does today) continues along the main axis from where it landed.
 */
export function gridPositions(): Map<string, Grid> {
  const pos = new Map<string, Grid>([[ROOT, { rank: 0, cross: 0 }]]);
  const queue = [ROOT];
  while (queue.length) {
    const at = queue.shift()!;
    const here = pos.get(at)!;
    let side = 0;
    for (const e of EDGES.filter((x) => x.from === at)) {
      if (pos.has(e.to)) continue;
      const spine = e.label === 'no' || e.label === '';
      pos.set(e.to, spine ? { rank: here.rank + 1, cross: here.cross } : { rank: here.rank, cross: here.cross + 1 + side++ });
      queue.push(e.to);
    }
  }
  return pos;
}

export interface LayoutSize {
  nodeW: number;
  nodeH: number;
  /** Gap between ranks and between columns. */
  gapMain: number;
  gapCross: number;
}

export const LAYOUT: Record<Orientation, LayoutSize> = {
  vertical: { nodeW: 260, nodeH: 54, gapMain: 18, gapCross: 92 },
  horizontal: { nodeW: 190, nodeH: 80, gapMain: 34, gapCross: 40 },
};

/**
 * Type sizes in drawing units. The drawing scales to its tile (up to 1.3×), so the labels are large in
 * units and the gaps small: on a 1920-wide wall screen the labels come out above 20 px and the whole
 * chart still fits beside the evidence under the verdict.
 */
export const FLOW_TYPE = { label: 16, lineHeight: 18, id: 12, edge: 14 };
/** The strip at the top of a node that holds its id (left) and score (right); the label sits below it. */
export const ID_STRIP = 12;

/** Characters per line for a node of this width at the node label size (about 0.56 em per character). */
function charsFor(nodeW: number): number {
  return Math.max(8, Math.floor((nodeW - 16) / (FLOW_TYPE.label * 0.56)));
}

export function layoutFlowchart(
  path: readonly string[],
  scores: ReadonlyArray<{ id: CauseId; score: number | null }>,
  orientation: Orientation,
): FlowchartView {
  const size = LAYOUT[orientation];
  const grid = gridPositions();
  const states = nodeStates(path, scores);
  const valid = isValidPath(path);
  const pad = 8;
  const place = (g: Grid) =>
    orientation === 'vertical'
      ? { x: pad + g.cross * (size.nodeW + size.gapCross), y: pad + g.rank * (size.nodeH + size.gapMain) }
      : { x: pad + g.rank * (size.nodeW + size.gapMain), y: pad + g.cross * (size.nodeH + size.gapCross) };

  const nodes: FlowNodeView[] = NODES.map((n) => {
    const at = place(grid.get(n.id) ?? { rank: 0, cross: 0 });
    const st = states.get(n.id)!;
    return {
      id: n.id,
      kind: n.kind,
      label: n.label,
      trunk: n.trunk,
      causes: n.causes ?? [],
      state: st.state,
      score: st.score,
      x: at.x,
      y: at.y,
      w: size.nodeW,
      h: size.nodeH,
      lines: wrapLabel(n.label, charsFor(size.nodeW), orientation === 'vertical' ? 2 : 3),
    };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: FlowEdgeView[] = EDGES.map((e) => {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    const [x1, y1, x2, y2] = connect(a, b);
    const lit = valid && path.some((id, i) => id === e.from && path[i + 1] === e.to);
    return { from: e.from, to: e.to, label: e.label, lit, x1, y1, x2, y2 };
  });
  const width = Math.max(...nodes.map((n) => n.x + n.w)) + pad;
  const height = Math.max(...nodes.map((n) => n.y + n.h)) + pad;
  return { nodes, edges, width, height, pathValid: valid };
}

/** From the border of `a` to the border of `b`, on the axis they are aligned on. */
function connect(a: FlowNodeView, b: FlowNodeView): [number, number, number, number] {
  const acx = a.x + a.w / 2;
  const acy = a.y + a.h / 2;
  const bcx = b.x + b.w / 2;
  const bcy = b.y + b.h / 2;
  if (Math.abs(acy - bcy) < 1) {
    return bcx > acx ? [a.x + a.w, acy, b.x, bcy] : [a.x, acy, b.x + b.w, bcy];
  }
  if (Math.abs(acx - bcx) < 1) {
    return bcy > acy ? [acx, a.y + a.h, bcx, b.y] : [acx, a.y, bcx, b.y + b.h];
  }
  return [acx, a.y + a.h, bcx, b.y];
}

/** Greedy word wrap into at most `maxLines` lines; the last line ends in "…" when text was cut. */
export function wrapLabel(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (next.length <= width || !line) line = next;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = `${last.slice(0, Math.max(1, width - 1))}…`;
  return kept;
}

/** Names of the causes an action node stands for, for a tooltip. */
export function causeNames(ids: readonly CauseId[]): string {
  return ids.map((id) => CAUSES[id]?.label ?? id).join(' · ');
}
