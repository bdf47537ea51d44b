import { fireEvent, render, screen, within } from '@testing-library/react';
import { CAUSES } from '../../../collector/diagnose/causes';
import { buildDiagnosis, type Diagnosis } from '../../../collector/report/diagnosis';
import { fromDiagnosis } from '../../model/fromDiagnosis';
import { stateModel, type DoctorModel } from '../../model/types';
import { DEFAULT_OPTIONS, type ViewOptions } from '../../options';
import { sampleSources } from '../../testing/samples';
import { DoctorView, type DoctorViewProps } from './DoctorView';
import { DARK, LIGHT } from './palette';

let keepalive: Diagnosis;
let unreachable: Diagnosis;
beforeAll(async () => {
  keepalive = buildDiagnosis(await sampleSources('keepalive_idle_race'));
  unreachable = buildDiagnosis(await sampleSources('upstream_unreachable'));
});

const opts = (over: Partial<ViewOptions> = {}): ViewOptions => ({ ...DEFAULT_OPTIONS, ...over });
const view = (model: DoctorModel, over: Partial<DoctorViewProps> = {}) =>
  render(<DoctorView model={model} palette={DARK} options={opts()} width={1400} height={900} {...over} />);
const states = (c: HTMLElement) =>
  Object.fromEntries([...c.querySelectorAll('[data-node-id]')].map((n) => [n.getAttribute('data-node-id'), n.getAttribute('data-state')]));

describe('DoctorView with a real diagnosis', () => {
  it('names the cause in the banner, with its tone, upstream and confidence', () => {
    view(fromDiagnosis(keepalive));
    const banner = screen.getByTestId('verdict');
    expect(banner.getAttribute('data-cause')).toBe('keepalive_idle_race');
    expect(banner.getAttribute('data-tone')).toBe('bad');
    expect(within(banner).getByTestId('verdict-label').textContent).toBe(CAUSES.keepalive_idle_race.label);
    expect(banner.textContent).toContain(`upstream ${keepalive.upstream}`);
    expect(banner.textContent).toContain(`confidence ${Math.round(keepalive.causes[0].score * 100)} %`);
  });

  it('lights the walk the engine took and fills its leaf', () => {
    const { container } = view(fromDiagnosis(keepalive));
    const s = states(container);
    expect(s).toMatchObject({ A: 'lit', B: 'lit', D: 'lit', E: 'verdict', C: 'idle', F: 'idle', O: 'idle' });
    expect(screen.getByTestId('flowchart').getAttribute('data-path')).toBe('A,B,D,E');
  });

  it('lists the engine’s evidence and the fixes, code spans as code', () => {
    const { container } = view(fromDiagnosis(keepalive));
    const items = [...screen.getByTestId('evidence-list').querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toEqual(keepalive.causes[0].evidence);
    const fixes = screen.getByTestId('fix-list').querySelectorAll('li');
    expect(fixes[0].textContent).toBe(CAUSES.keepalive_idle_race.fix[0].replace(/`/g, ''));
    expect(fixes[0].querySelector('code')?.textContent).toBe('keepalive_timeout');
    expect(container.textContent).toContain('Also scored');
  });

  it('draws the four signals with their limits: 502 threshold, proxy_read_timeout and 80 % of it', () => {
    const { container } = view(fromDiagnosis(keepalive));
    expect(screen.getByTestId('chart-502-headline').textContent).toBe('18 %');
    const rules = [...container.querySelectorAll('[data-testid=chart-p95] [data-rule]')].map((r) => r.getAttribute('data-rule'));
    expect(rules).toEqual(['proxy_read_timeout 10 s', '80 % of it']);
    expect(screen.getByTestId('reuse-share').textContent).toBe('90 % reused');
    expect(screen.getByTestId('chart-writing').textContent).toContain('No stub_status data');
    expect(screen.getByTestId('stat-rate502').getAttribute('data-tone')).toBe('bad');
    expect(screen.getByTestId('stat-p95').getAttribute('data-tone')).toBe('ok');
  });

  it('shows log text as text: a <script> in a request line never becomes markup', () => {
    const m = fromDiagnosis(keepalive);
    const evil = 'GET /<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> HTTP/1.1';
    m.examples.requests[0].request = evil;
    m.examples.errors[0].message = '<b>bold</b>';
    m.verdict!.evidence = ['<svg onload=alert(1)>'];
    const { container } = view(m);
    expect(screen.getByText(evil)).toBeTruthy();
    expect(screen.getByText('<b>bold</b>')).toBeTruthy();
    expect(screen.getByText('<svg onload=alert(1)>')).toBeTruthy();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});

describe('DoctorView verdict states and the wall', () => {
  const collecting = (): DoctorModel => {
    const m = fromDiagnosis(keepalive);
    m.verdict = { ...m.verdict!, status: 'collecting', score: 0.31, failures: 3 };
    return m;
  };

  it('says since when the upstream has been failing, next to the verdict', () => {
    view(fromDiagnosis(keepalive));
    const since = Date.parse(keepalive.incident!.since);
    expect(screen.getByTestId('verdict-since-at').textContent).toBe(`${new Date(since).toISOString().slice(11, 16)} UTC`);
    expect(screen.getByTestId('verdict-since').textContent).toContain(`${keepalive.incident!.failures} failures`);
  });

  it('shows a verdict still collecting evidence as such, the candidate tentative, in the warning tone', () => {
    const { container } = view(collecting());
    const banner = screen.getByTestId('verdict');
    expect(banner.getAttribute('data-status')).toBe('collecting');
    expect(banner.getAttribute('data-tone')).toBe('warn');
    expect(screen.getByTestId('verdict-label').textContent).toBe('Collecting evidence: 3 failures so far');
    expect(screen.getByTestId('verdict-qualifier').textContent).toBe('So far most like Keepalive idle-timeout race (score 0.31) — not named yet');
    expect(screen.getByTestId('evidence').textContent).toContain('Evidence so far: Keepalive idle-timeout race');
    expect(screen.getByTestId('evidence').textContent).toContain('Fix to try if it is confirmed');
    expect(container.textContent).not.toContain('LIKELY CAUSE');
  });

  it('never says healthy for failures that match nothing', () => {
    const m = fromDiagnosis(keepalive);
    m.verdict = { ...m.verdict!, cause: 'healthy', label: 'Unexplained upstream failures', status: 'unexplained', fix: [], failures: 9 };
    m.others = m.others.filter((o) => o.id !== 'healthy');
    // A row the engine found nothing to name on, but with failures, is not called healthy either.
    m.series.upstreams = [{ ...m.series.upstreams[0], cause: 'healthy', failures: 9 }, { ...m.series.upstreams[0], upstream: '10.0.0.2:80', cause: 'healthy', failures: 0 }];
    view(m);
    expect(screen.getByTestId('verdict').textContent).not.toMatch(/healthy/i);
    expect(screen.getByTestId('verdict-qualifier').textContent).toBe('9 failures that match no known pattern');
    const rows = screen.getAllByTestId('upstream-row').map((r) => r.querySelectorAll('td')[1].textContent);
    const score = m.series.upstreams[0].score!.toFixed(2);
    expect(rows).toEqual([`No cause named (9 failed) · ${score}`, `Healthy · ${score}`]);
  });

  it('on a 1920-wide wall: flowchart beside the 502 trend, readable type, a big verdict', () => {
    const { container } = view(fromDiagnosis(keepalive), { width: 1920, height: 1040, fit: 'page' });
    expect(screen.getByTestId('doctor-view').getAttribute('data-layout')).toBe('wide');
    // The 502 trend comes right after the flowchart, before the evidence, in the right-hand column.
    const order = [...container.querySelectorAll('[data-testid=flowchart], [data-testid=chart-502], [data-testid=evidence]')].map((e) => e.getAttribute('data-testid'));
    expect(order).toEqual(['flowchart', 'chart-502', 'evidence']);
    expect(parseFloat(screen.getByTestId('evidence-list').style.fontSize)).toBeGreaterThanOrEqual(18);
    expect(parseFloat(screen.getByTestId('fix-list').style.fontSize)).toBeGreaterThanOrEqual(18);
    expect(parseFloat(screen.getByTestId('verdict-label').style.fontSize)).toBeGreaterThanOrEqual(56);
    // Labels drawn at 16 units, scaled to at least 1.25: 20 px and more on the screen.
    const svg = screen.getByTestId('flowchart');
    const scale = Number(svg.getAttribute('width')) / Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    expect(scale * 16).toBeGreaterThanOrEqual(20);
  });

  it('as a page it grows with its content for the document to scroll; as a panel it scrolls inside its frame', () => {
    const { unmount } = view(fromDiagnosis(keepalive), { width: 1280, height: 760, fit: 'page' });
    const page = screen.getByTestId('doctor-view').style;
    expect([page.minHeight, page.height, page.overflow]).toEqual(['760px', '', '']);
    unmount();
    view(fromDiagnosis(keepalive), { width: 1280, height: 760 });
    const panel = screen.getByTestId('doctor-view').style;
    expect([panel.height, panel.overflow]).toEqual(['760px', 'auto']);
  });
});

describe('DoctorView drill-down', () => {
  it('clicking a point of the 502 chart asks for that window', () => {
    const onSelectRange = jest.fn();
    const m = fromDiagnosis(keepalive);
    const { container } = view(m, { onSelectRange });
    const point = container.querySelectorAll('[data-testid=chart-502] circle')[2];
    const svg = container.querySelector('[data-testid=chart-502] svg')!;
    const x = Number(point.getAttribute('cx'));
    fireEvent.mouseDown(svg, { clientX: x });
    fireEvent.mouseUp(svg, { clientX: x });
    const t = Number(point.getAttribute('data-t'));
    expect(onSelectRange).toHaveBeenCalledWith({ from: t, to: t + m.series.stepMs! });
  });

  it('dragging across a chart asks for the window dragged over', () => {
    const onSelectRange = jest.fn();
    const m = fromDiagnosis(keepalive);
    const { container } = view(m, { onSelectRange });
    const svg = container.querySelector('[data-testid=chart-502] svg')!;
    const [p1, p3] = [0, 2].map((i) => container.querySelectorAll('[data-testid=chart-502] circle')[i]);
    fireEvent.mouseDown(svg, { clientX: Number(p1.getAttribute('cx')) });
    fireEvent.mouseMove(svg, { clientX: Number(p3.getAttribute('cx')) });
    expect(container.querySelector('[data-testid=chart-502] svg rect[stroke]')).not.toBeNull();
    fireEvent.mouseUp(svg, { clientX: Number(p3.getAttribute('cx')) });
    const [{ from, to }] = onSelectRange.mock.calls[0];
    const step = m.series.stepMs!;
    // From the middle of the first point's window to the middle of the third's.
    expect(Math.abs(from - (Number(p1.getAttribute('data-t')) + step / 2))).toBeLessThan(step / 10);
    expect(Math.abs(to - (Number(p3.getAttribute('data-t')) + step / 2))).toBeLessThan(step / 10);
  });

  it('a focused point takes Enter, for keyboards', () => {
    const onSelectRange = jest.fn();
    const { container } = view(fromDiagnosis(keepalive), { onSelectRange });
    const point = container.querySelectorAll('[data-testid=chart-502] circle')[1];
    fireEvent.keyDown(point, { key: 'Enter' });
    expect(onSelectRange).toHaveBeenCalledTimes(1);
  });

  it('choosing an upstream row narrows to it; choosing it again, or "all", widens again', () => {
    const onSelectUpstream = jest.fn();
    const m = fromDiagnosis(unreachable);
    const { rerender } = view(m, { onSelectUpstream });
    const row = screen.getAllByTestId('upstream-row').find((r) => r.getAttribute('data-upstream') === '127.0.0.1:41723')!;
    fireEvent.click(within(row).getByRole('button'));
    expect(onSelectUpstream).toHaveBeenLastCalledWith('127.0.0.1:41723');
    rerender(
      <DoctorView model={m} palette={DARK} options={opts()} width={1400} height={900} onSelectUpstream={onSelectUpstream} drill={{ window: null, upstream: '127.0.0.1:41723' }} />,
    );
    const sel = screen.getAllByTestId('upstream-row').find((r) => r.getAttribute('data-selected') === 'true')!;
    fireEvent.click(within(sel).getByRole('button'));
    expect(onSelectUpstream).toHaveBeenLastCalledWith(null);
    fireEvent.click(screen.getByTestId('upstream-all'));
    expect(onSelectUpstream).toHaveBeenLastCalledWith(null);
  });

  it('shows what was drilled into, with a way back', () => {
    const onReset = jest.fn();
    view(fromDiagnosis(keepalive), { drill: { window: { from: Date.UTC(2026, 0, 1, 12), to: Date.UTC(2026, 0, 1, 12, 0, 10) }, upstream: 'u:1' }, onReset });
    expect(screen.getByTestId('drill-bar').textContent).toContain('12:00:00–12:00:10 · upstream u:1');
    fireEvent.click(screen.getByTestId('drill-reset'));
    expect(onReset).toHaveBeenCalled();
  });
});

describe('DoctorView options', () => {
  it('draws only the sections chosen', () => {
    view(fromDiagnosis(keepalive), { options: opts({ sections: ['flowchart'] }) });
    expect(screen.getByTestId('flowchart')).toBeTruthy();
    expect(screen.queryByTestId('chart-502')).toBeNull();
    expect(screen.queryByTestId('chart-p95')).toBeNull();
    expect(screen.queryByTestId('upstreams')).toBeNull();
    expect(screen.queryByTestId('examples')).toBeNull();
    // The verdict is never optional.
    expect(screen.getByTestId('verdict')).toBeTruthy();
  });

  it('lays the flowchart out in the orientation chosen', () => {
    view(fromDiagnosis(keepalive), { options: opts({ orientation: 'horizontal' }) });
    const svg = screen.getByTestId('flowchart');
    expect(svg.getAttribute('data-orientation')).toBe('horizontal');
    expect(Number(svg.getAttribute('width'))).toBeGreaterThan(Number(svg.getAttribute('height')));
  });

  it('compact mode for a small tile: verdict, path and 502 rate, no flowchart', () => {
    view(fromDiagnosis(keepalive), { width: 420, height: 260 });
    expect(screen.getByTestId('doctor-view').getAttribute('data-compact')).toBe('true');
    expect(screen.getByTestId('path-crumbs').textContent).toBe('A → B → D → E: Align keepalive and LB timeouts');
    expect(screen.queryByTestId('flowchart')).toBeNull();
    expect(screen.getByTestId('chart-502')).toBeTruthy();
  });

  it('compact mode can be forced on a big tile and off on a small one', () => {
    const { unmount } = view(fromDiagnosis(keepalive), { options: opts({ compact: 'on' }) });
    expect(screen.getByTestId('doctor-view').getAttribute('data-compact')).toBe('true');
    unmount();
    view(fromDiagnosis(keepalive), { width: 300, height: 200, options: opts({ compact: 'off' }) });
    expect(screen.getByTestId('doctor-view').getAttribute('data-compact')).toBe('false');
  });

  it('uses the palette it is given (the light one here)', () => {
    view(fromDiagnosis(keepalive), { palette: LIGHT });
    expect(screen.getByTestId('doctor-view').style.background).toBe('rgb(244, 245, 245)');
  });
});

describe('DoctorView states', () => {
  it.each([
    ['loading', 'Diagnosing…'],
    ['empty', 'No data'],
    ['error', 'Cannot diagnose'],
  ] as const)('%s says so in words', (state, title) => {
    view(stateModel(state, 'the reason, in one line', 'api'));
    const el = screen.getByTestId(`state-${state}`);
    expect(el.textContent).toContain(title);
    expect(el.textContent).toContain('the reason, in one line');
    expect(screen.queryByTestId('flowchart')).toBeNull();
  });

  it('an empty drilled window still offers the way back', () => {
    const onReset = jest.fn();
    view(stateModel('empty', 'No requests in this window', 'api'), { drill: { window: { from: 0, to: 1000 }, upstream: null }, onReset });
    fireEvent.click(screen.getByTestId('drill-reset'));
    expect(onReset).toHaveBeenCalled();
  });

  it('a model without a verdict (metrics without cause series) still draws, flowchart unlit', () => {
    const m = fromDiagnosis(keepalive);
    m.verdict = null;
    m.path = [];
    m.notices = ['no upstream_doctor_likely_cause series'];
    const { container } = view(m);
    expect(screen.getByTestId('verdict').getAttribute('data-tone')).toBe('unknown');
    expect(Object.values(states(container)).filter((s) => s === 'lit' || s === 'verdict')).toEqual([]);
    expect(screen.getByTestId('notices').textContent).toContain('likely_cause');
  });
});
