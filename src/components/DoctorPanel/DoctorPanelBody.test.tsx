import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import {
  createTheme,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  toDataFrame,
  type DataFrame,
  type PanelProps,
} from '@grafana/data';
import { buildDiagnosis } from '../../../collector/report/diagnosis';
import { DEFAULT_OPTIONS, type DoctorOptions } from '../../options';
import { startCollectorApi, type CollectorApi } from '../../testing/collectorApi';
import { nodeFetch } from '../../testing/nodeFetch';
import { sampleSources } from '../../testing/samples';
import { DoctorPanelBody } from './DoctorPanelBody';
import { paletteFromTheme } from './themePalette';

const T0 = Date.UTC(2026, 10, 20, 23, 34, 0);
const RANGE = { from: dateTime(T0), to: dateTime(T0 + 60_000), raw: { from: 'now-1m', to: 'now' } };

function series(refId: string, labels: Record<string, string>, points: Array<[number, number]>): DataFrame {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: points.map((p) => T0 + p[0] * 1000) },
      { name: 'Value', type: FieldType.number, values: points.map((p) => p[1]), labels },
    ],
  });
}

/** What the provisioned dashboard's queries return for one upstream with an OOM-killed backend. */
const OOM_FRAMES = [
  series('likely_cause', { upstream: '10.0.0.9:8080', cause: 'oom_kill' }, [[50, 1]]),
  series('likely_cause', { upstream: '10.0.0.9:8080', cause: 'healthy' }, [[50, 0]]),
  series('cause_score', { upstream: '10.0.0.9:8080', cause: 'oom_kill' }, [[50, 1]]),
  series('rate_502', { upstream: '10.0.0.9:8080' }, [[0, 0], [10, 0.2], [20, 0.08], [30, 0.27], [40, 0]]),
  series('p95', { upstream: '10.0.0.9:8080' }, [[0, 0.05], [10, 0.3], [20, 0.3], [30, 0.4], [40, 0.05]]),
  series('read_timeout', { upstream: '10.0.0.9:8080' }, [[40, 10]]),
];

function props(over: Partial<PanelProps<DoctorOptions>> & { frames?: DataFrame[]; state?: LoadingState } = {}) {
  const { frames = OOM_FRAMES, state = LoadingState.Done, ...rest } = over;
  const p: PanelProps<DoctorOptions> = {
    id: 1,
    data: { state, series: frames, timeRange: RANGE },
    timeRange: RANGE,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS },
    transparent: false,
    width: 1300,
    height: 900,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Upstream Doctor',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
    ...rest,
  };
  return p;
}

const palette = paletteFromTheme(createTheme());
const mount = (p: PanelProps<DoctorOptions>) => render(<DoctorPanelBody {...p} palette={palette} appSubUrl="" fetchImpl={nodeFetch} />);

describe('DoctorPanelBody from Prometheus frames alone', () => {
  it('names the cause and lights its path from the likely_cause series', () => {
    const { container } = mount(props());
    expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('oom_kill');
    expect(container.querySelector('[data-testid=flowchart]')!.getAttribute('data-path')).toBe('A,B,C');
    expect(screen.getByTestId('evidence-list').textContent).toContain('cause score 1.00 on 10.0.0.9:8080');
  });

  it('clicking a 502 spike sets the dashboard time range to that window (the queries and diagnosis re-run)', () => {
    const p = props();
    const { container } = mount(p);
    const spike = [...container.querySelectorAll('[data-testid=chart-502] circle')].find((c) => c.getAttribute('data-v') === '0.27')!;
    const svg = container.querySelector('[data-testid=chart-502] svg')!;
    fireEvent.mouseDown(svg, { clientX: Number(spike.getAttribute('cx')) });
    fireEvent.mouseUp(svg, { clientX: Number(spike.getAttribute('cx')) });
    expect(p.onChangeTimeRange).toHaveBeenCalledWith({ from: T0 + 30_000, to: T0 + 40_000 });
  });

  it('links to Explore for the window, on the panel’s own data source', () => {
    const p = props();
    p.data.request = { targets: [{ refId: 'rate_502', datasource: { uid: 'prom-1', type: 'prometheus' } }] } as never;
    mount(p);
    const link = screen.getByText('Explore the 502 rate for this window').closest('a')!;
    expect(link.getAttribute('href')).toContain('/explore?');
    expect(decodeURIComponent(link.getAttribute('href')!)).toContain('"datasource":"prom-1"');
  });

  it('follows the Grafana theme: light and dark palettes differ, verdict fills stay readable', () => {
    const dark = paletteFromTheme(createTheme({ colors: { mode: 'dark' } }));
    const light = paletteFromTheme(createTheme({ colors: { mode: 'light' } }));
    expect(dark.mode).toBe('dark');
    expect(light.mode).toBe('light');
    expect(dark.text).not.toBe(light.text);
    expect(light.onToneFill).toBe('#ffffff');
  });
});

describe('DoctorPanelBody states', () => {
  it('no frames: "No data" in words', () => {
    mount(props({ frames: [] }));
    expect(screen.getByTestId('state-empty').textContent).toContain('No data');
  });

  it('loading before any frame: "Diagnosing…"', () => {
    mount(props({ frames: [], state: LoadingState.Loading }));
    expect(screen.getByTestId('state-loading')).toBeTruthy();
  });

  it('a failed query: its message', () => {
    const p = props({ frames: [], state: LoadingState.Error });
    p.data.errors = [{ message: 'bad_data: parse error at char 12' }];
    mount(p);
    expect(screen.getByTestId('state-error').textContent).toContain('parse error at char 12');
  });
});

describe('DoctorPanelBody with the collector’s API', () => {
  let server: CollectorApi;
  beforeAll(async () => {
    server = await startCollectorApi(await sampleSources('upstream_unreachable'));
  });
  afterAll(() => server.close());

  it('shows the engine’s evidence for the dashboard range, and re-asks for one upstream when a row is chosen', async () => {
    const src = await sampleSources('upstream_unreachable');
    const whole = buildDiagnosis(src);
    const p = props({ options: { ...DEFAULT_OPTIONS, apiUrl: server.url } });
    // The dashboard range covers the sample's own time.
    const range = { from: dateTime(Date.parse(whole.series.from)), to: dateTime(Date.parse(whole.series.to)), raw: { from: '', to: '' } };
    p.data = { ...p.data, timeRange: range };
    mount(p);
    await waitFor(() => expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('upstream_unreachable'));
    expect(screen.getByTestId('evidence-list').textContent).toContain(whole.causes[0].evidence[0]);
    expect(screen.getAllByTestId('example-request').length).toBeGreaterThan(0);
    expect(server.requests.some((r) => r.startsWith(`/api/diagnosis?from=${Date.parse(whole.series.from)}&to=`))).toBe(true);

    const row = screen.getAllByTestId('upstream-row').find((r) => r.getAttribute('data-upstream') === '127.0.0.1:41723')!;
    await act(async () => fireEvent.click(within(row).getByRole('button')));
    await waitFor(() => expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('healthy'));
    expect(server.requests[server.requests.length - 1]).toContain('upstream=127.0.0.1%3A41723');
    expect(screen.getByTestId('flowchart').getAttribute('data-path')).toBe('A,O');
  });

  it('keeps the metrics verdict, with a notice, when the collector answers with an error', async () => {
    mount(props({ options: { ...DEFAULT_OPTIONS, apiUrl: `${server.url}nowhere` } }));
    await waitFor(() => expect(screen.getByTestId('notices').textContent).toContain('evidence unavailable: collector API answered 404'));
    expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('oom_kill');
  });

  it('says so when the collector URL is not a URL', () => {
    mount(props({ options: { ...DEFAULT_OPTIONS, apiUrl: 'nginx box' } }));
    expect(screen.getByTestId('notices').textContent).toContain('is not a URL');
  });
});
