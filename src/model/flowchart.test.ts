import { CAUSE_IDS } from '../../collector/diagnose/causes';
import { EDGES, NODES, UNEXPLAINED_LEAF, leafOf, pathTo } from '../../collector/diagnose/tree';
import { gridPositions, isValidPath, layoutFlowchart, nodeStates, wrapLabel, type Orientation } from './flowchart';

describe('flowchart state', () => {
  it('accepts every path the engine can produce, and nothing that skips an edge', () => {
    for (const id of CAUSE_IDS) expect(isValidPath(pathTo(leafOf(id)))).toBe(true);
    expect(isValidPath(pathTo(UNEXPLAINED_LEAF))).toBe(true);
    expect(isValidPath(['A', 'D', 'E'])).toBe(false);
    expect(isValidPath(['B', 'D'])).toBe(false);
    expect(isValidPath([])).toBe(false);
  });

  it('lights the walk, fills its leaf as the verdict, leaves the rest idle', () => {
    const s = nodeStates(['A', 'B', 'D', 'F', 'G'], [{ id: 'pmtu_black_hole', score: 0.8 }]);
    expect(s.get('G')).toEqual({ state: 'verdict', score: 0.8 });
    expect(['A', 'B', 'D', 'F'].map((id) => s.get(id)!.state)).toEqual(['lit', 'lit', 'lit', 'lit']);
    expect(s.get('C')!.state).toBe('idle');
  });

  it('outlines another leaf the engine also scored, above the bar only', () => {
    const s = nodeStates(['A', 'B', 'D', 'E'], [
      { id: 'keepalive_idle_race', score: 0.9 },
      { id: 'backend_crash', score: 0.4 },
      { id: 'upstream_timeout', score: 0.1 },
      { id: 'healthy', score: 0.6 },
    ]);
    expect(s.get('C')).toEqual({ state: 'candidate', score: 0.4 });
    expect(s.get('J')!.state).toBe('idle');
    expect(s.get('O')!.state).toBe('idle');
  });

  it('lights nothing for a path that does not fit this flowchart (a different collector version)', () => {
    const s = nodeStates(['A', 'Z'], []);
    expect([...s.values()].every((v) => v.state === 'idle')).toBe(true);
  });
});

describe('flowchart layout', () => {
  it('puts the "no" answers on a spine and every "yes" beside its question', () => {
    const g = gridPositions();
    for (const e of EDGES) {
      const a = g.get(e.from)!;
      const b = g.get(e.to)!;
      if (e.label === 'no' || e.label === '') expect([b.rank, b.cross]).toEqual([a.rank + 1, a.cross]);
      else expect([b.rank, b.cross]).toEqual([a.rank, a.cross + 1]);
    }
    expect(g.size).toBe(NODES.length);
  });

  it.each<Orientation>(['vertical', 'horizontal'])('%s: no two nodes overlap and every edge joins its nodes', (o) => {
    const v = layoutFlowchart(pathTo(leafOf('client_abort')), [], o);
    for (let i = 0; i < v.nodes.length; i++) {
      for (let j = i + 1; j < v.nodes.length; j++) {
        const a = v.nodes[i];
        const b = v.nodes[j];
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }
    }
    for (const n of v.nodes) {
      expect(n.x + n.w).toBeLessThanOrEqual(v.width);
      expect(n.y + n.h).toBeLessThanOrEqual(v.height);
    }
    expect(v.edges).toHaveLength(EDGES.length);
  });

  it('runs the spine of "no" answers down when vertical and across when horizontal', () => {
    const spine = (o: Orientation) => {
      const v = layoutFlowchart([], [], o);
      return ['A', 'B', 'D', 'F', 'I', 'K', 'M', 'H'].map((id) => v.nodes.find((n) => n.id === id)!);
    };
    const down = spine('vertical');
    expect(new Set(down.map((n) => n.x)).size).toBe(1);
    expect(down.map((n) => n.y)).toEqual([...down.map((n) => n.y)].sort((a, b) => a - b));
    const across = spine('horizontal');
    expect(new Set(across.map((n) => n.y)).size).toBe(1);
    expect(across.map((n) => n.x)).toEqual([...across.map((n) => n.x)].sort((a, b) => a - b));
    const hor = layoutFlowchart([], [], 'horizontal');
    expect(hor.width).toBeGreaterThan(hor.height);
  });

  it('keeps every label whole at the node size: nothing cut with an ellipsis', () => {
    for (const o of ['vertical', 'horizontal'] as const) {
      const cut = layoutFlowchart([], [], o).nodes.filter((n) => n.lines.some((l) => l.endsWith('…')));
      expect([o, cut.map((n) => n.id)]).toEqual([o, []]);
    }
  });

  it('lights exactly the edges of the walk', () => {
    const v = layoutFlowchart(['A', 'B', 'C'], [], 'vertical');
    expect(v.edges.filter((e) => e.lit).map((e) => `${e.from}${e.to}`)).toEqual(['AB', 'BC']);
  });
});

describe('wrapLabel', () => {
  it('wraps on words within the width', () => {
    expect(wrapLabel('Verify upstream health and proxy_next_upstream', 20, 3)).toEqual(['Verify upstream', 'health and', 'proxy_next_upstream']);
  });

  it('cuts with an ellipsis past the last line', () => {
    const lines = wrapLabel('one two three four five six seven', 9, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith('…')).toBe(true);
  });

  it('shortens a single word longer than the width', () => {
    expect(wrapLabel('proxy_next_upstream_tries', 10, 2)).toEqual(['proxy_nex…']);
  });
});
