// The diagnostic flowchart as data. The trunk (A–H) is the troubleshooting flowchart the product grew
// from; I–O are our extensions for failures that are not resets. The engine walks it to explain a verdict
// and the panel draws it, so this file must stay free of Node and browser dependencies.
import type { CauseId } from './causes';

export type NodeKind = 'start' | 'question' | 'action';

export interface FlowNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Causes whose verdict ends at this action node. */
  causes?: CauseId[];
  /** True for the seed flowchart's own nodes, false for extensions. */
  trunk: boolean;
}

export interface FlowEdge {
  from: string;
  to: string;
  label: 'yes' | 'no' | 'no failures' | '';
}

export const NODES: readonly FlowNode[] = [
  { id: 'A', kind: 'start', label: 'nginx recv 104 from upstream', trunk: true },
  { id: 'B', kind: 'question', label: 'Backend crash or OOM?', trunk: true },
  { id: 'C', kind: 'action', label: 'Check dmesg and app logs', causes: ['backend_crash', 'oom_kill'], trunk: true },
  { id: 'D', kind: 'question', label: 'Idle timeout race?', trunk: true },
  {
    id: 'E',
    kind: 'action',
    label: 'Align keepalive and LB timeouts',
    causes: ['keepalive_idle_race', 'middlebox_idle_timeout', 'keepalive_reuse_closed'],
    trunk: true,
  },
  { id: 'F', kind: 'question', label: 'Large responses only?', trunk: true },
  { id: 'G', kind: 'action', label: 'Check path MTU', causes: ['pmtu_black_hole'], trunk: true },
  { id: 'H', kind: 'action', label: 'Verify upstream health and proxy_next_upstream', trunk: true },
  { id: 'I', kind: 'question', label: 'Slower than proxy_read_timeout?', trunk: false },
  { id: 'J', kind: 'action', label: 'Fix the slow backend or raise the timeout', causes: ['upstream_timeout'], trunk: false },
  { id: 'K', kind: 'question', label: 'Connect refused / no live upstreams?', trunk: false },
  { id: 'L', kind: 'action', label: 'Start the backend or fix its address', causes: ['upstream_unreachable'], trunk: false },
  { id: 'M', kind: 'question', label: 'Client closed first (499)?', trunk: false },
  { id: 'N', kind: 'action', label: 'Client-side: compare client and backend timeouts', causes: ['client_abort'], trunk: false },
  { id: 'O', kind: 'action', label: 'No upstream failure worth naming', causes: ['healthy'], trunk: false },
];

export const EDGES: readonly FlowEdge[] = [
  { from: 'A', to: 'B', label: '' },
  { from: 'A', to: 'O', label: 'no failures' },
  { from: 'B', to: 'C', label: 'yes' },
  { from: 'B', to: 'D', label: 'no' },
  { from: 'D', to: 'E', label: 'yes' },
  { from: 'D', to: 'F', label: 'no' },
  { from: 'F', to: 'G', label: 'yes' },
  { from: 'F', to: 'I', label: 'no' },
  { from: 'I', to: 'J', label: 'yes' },
  { from: 'I', to: 'K', label: 'no' },
  { from: 'K', to: 'L', label: 'yes' },
  { from: 'K', to: 'M', label: 'no' },
  { from: 'M', to: 'N', label: 'yes' },
  { from: 'M', to: 'H', label: 'no' },
];

export const ROOT = 'A';
/** Where the walk ends when there are failures but no cause explains them well enough. */
export const UNEXPLAINED_LEAF = 'H';

export function nodeById(id: string): FlowNode | undefined {
  return NODES.find((n) => n.id === id);
}

/** The action node that names this cause. */
export function leafOf(cause: CauseId): string {
  const leaf = NODES.find((n) => n.causes?.includes(cause));
  if (!leaf) throw new Error(`cause ${cause} has no leaf in the flowchart`);
  return leaf.id;
}

/** Node ids from the root to `leaf`, following the edges (the tree has one path to each node). */
export function pathTo(leaf: string): string[] {
  const path = [leaf];
  let at = leaf;
  while (at !== ROOT) {
    const edge = EDGES.find((e) => e.to === at);
    if (!edge) throw new Error(`flowchart node ${at} is not reachable from ${ROOT}`);
    at = edge.from;
    path.unshift(at);
  }
  return path;
}

/** The answer taken at each question on the path to `leaf` (`{B: 'no', D: 'yes'}`), for drawing. */
export function answersOnPath(path: readonly string[]): Record<string, FlowEdge['label']> {
  const answers: Record<string, FlowEdge['label']> = {};
  for (let i = 0; i + 1 < path.length; i++) {
    const edge = EDGES.find((e) => e.from === path[i] && e.to === path[i + 1]);
    if (edge) answers[path[i]] = edge.label;
  }
  return answers;
}
