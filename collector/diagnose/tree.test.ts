import { CAUSE_IDS } from './causes';
import { EDGES, NODES, ROOT, answersOnPath, leafOf, pathTo } from './tree';

describe('flowchart', () => {
  it('keeps the seed trunk A–H with its questions and actions', () => {
    const trunk = NODES.filter((n) => n.trunk).map((n) => n.id);
    expect(trunk).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    expect(pathTo('G')).toEqual(['A', 'B', 'D', 'F', 'G']);
    expect(pathTo('C')).toEqual(['A', 'B', 'C']);
  });

  it('gives every cause exactly one leaf, reachable from the root', () => {
    for (const id of CAUSE_IDS) {
      const leaves = NODES.filter((n) => n.causes?.includes(id));
      expect(leaves).toHaveLength(1);
      expect(pathTo(leafOf(id))[0]).toBe(ROOT);
    }
  });

  it('is a tree: every node but the root has one parent, and edges name known nodes', () => {
    const ids = new Set(NODES.map((n) => n.id));
    for (const e of EDGES) {
      expect(ids.has(e.from)).toBe(true);
      expect(ids.has(e.to)).toBe(true);
    }
    for (const n of NODES) expect(EDGES.filter((e) => e.to === n.id)).toHaveLength(n.id === ROOT ? 0 : 1);
  });

  it('tells which answer was taken at each question', () => {
    expect(answersOnPath(pathTo(leafOf('keepalive_idle_race')))).toEqual({ A: '', B: 'no', D: 'yes' });
    expect(pathTo(leafOf('client_abort'))).toEqual(['A', 'B', 'D', 'F', 'I', 'K', 'M', 'N']);
  });
});
