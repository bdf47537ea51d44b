import { render } from '@testing-library/react';
import { pathTo, UNEXPLAINED_LEAF } from '../../../collector/diagnose/tree';
import { Flowchart } from './Flowchart';
import { DARK } from './palette';

const draw = (path: string[], scores: Array<{ id: never; score: number }> = [], tone: 'bad' | 'warn' | 'ok' = 'bad') =>
  render(<Flowchart path={path} scores={scores} orientation="vertical" palette={DARK} tone={tone} width={600} />).container;

describe('Flowchart', () => {
  it('draws every node of the seed’s trunk and of the extensions, marked as such', () => {
    const c = draw([]);
    const trunk = [...c.querySelectorAll('[data-trunk=true]')].map((n) => n.getAttribute('data-node-id'));
    const ext = [...c.querySelectorAll('[data-trunk=false]')].map((n) => n.getAttribute('data-node-id'));
    expect(trunk).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    expect(ext).toEqual(['I', 'J', 'K', 'L', 'M', 'N', 'O']);
  });

  it('lights the edges of the walk and fills the verdict node with the verdict tone', () => {
    const c = draw(['A', 'B', 'C'], [{ id: 'oom_kill' as never, score: 0.9 }]);
    expect([...c.querySelectorAll('[data-lit=true]')].map((e) => e.getAttribute('data-edge'))).toEqual(['A-B', 'B-C']);
    const leaf = c.querySelector('[data-node-id=C]')!;
    expect(leaf.getAttribute('data-state')).toBe('verdict');
    expect(leaf.querySelector('rect')!.getAttribute('fill')).toBe(DARK.toneFill.bad);
    expect(leaf.textContent).toContain('0.90');
  });

  it('says the path in words for screen readers, with the answers taken', () => {
    const c = draw(pathTo('G'));
    const label = c.querySelector('svg')!.getAttribute('aria-label')!;
    expect(label).toContain('Backend crash or OOM? (no)');
    expect(label).toContain('Large responses only? (yes) → Check path MTU');
  });

  it('lights the unexplained walk down to "verify upstream health"', () => {
    const c = draw(pathTo(UNEXPLAINED_LEAF), [], 'warn');
    expect(c.querySelector(`[data-node-id=${UNEXPLAINED_LEAF}]`)!.getAttribute('data-state')).toBe('verdict');
    expect(c.querySelectorAll('[data-state=lit]')).toHaveLength(7);
  });

  it('lights nothing for a path this flowchart does not have', () => {
    const c = draw(['A', 'Q']);
    expect(c.querySelectorAll('[data-state=lit], [data-state=verdict], [data-lit=true]')).toHaveLength(0);
    expect(c.querySelector('svg')!.getAttribute('data-path')).toBe('');
  });
});
