import { buildLinks, exploreUrl, logsQueryFor, promString, rate502Query } from './links';

const W = { from: 1_800_000_000_000, to: 1_800_000_010_000 };

describe('links for the window being diagnosed', () => {
  it('escapes label values for PromQL and LogQL', () => {
    expect(promString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(logsQueryFor('{job="nginx"} |= "$__upstream"', '10.0.0.1:80"')).toBe('{job="nginx"} |= "10.0.0.1:80\\""');
    expect(logsQueryFor('{job="nginx"} |= "$__upstream"', null)).toBe('{job="nginx"} |= ""');
  });

  it('asks Prometheus for the 502 rate of the upstream from the exported metric', () => {
    expect(rate502Query('u:80')).toBe(
      'sum by (upstream) (rate(upstream_doctor_requests_total{upstream="u:80",status="502"}[$__rate_interval])) / sum by (upstream) (rate(upstream_doctor_requests_total{upstream="u:80"}[$__rate_interval]))',
    );
    expect(rate502Query(null)).toContain('{status="502"}');
  });

  it('opens Explore on that window, under Grafana’s sub-path', () => {
    const u = new URL(exploreUrl('/grafana/', 'prom1', 'up', W), 'http://g');
    expect(u.pathname).toBe('/grafana/explore');
    const panes = JSON.parse(u.searchParams.get('panes')!);
    const pane = Object.values(panes)[0] as { datasource: string; queries: Array<{ expr: string }>; range: { from: string; to: string } };
    expect(pane.datasource).toBe('prom1');
    expect(pane.queries[0].expr).toBe('up');
    expect(pane.range).toEqual({ from: String(W.from), to: String(W.to) });
  });

  it('builds the Explore link always (with a data source) and the logs link only when configured', () => {
    const base = { appSubUrl: '', window: W, upstream: 'u', exploreDatasourceUid: 'p', logsDatasourceUid: null, logsQuery: 'x' };
    expect(buildLinks(base).map((l) => l.title)).toEqual(['Explore the 502 rate for this window']);
    expect(buildLinks({ ...base, logsDatasourceUid: 'loki' })).toHaveLength(2);
    expect(buildLinks({ ...base, window: null })).toEqual([]);
    expect(buildLinks({ ...base, exploreDatasourceUid: null })).toEqual([]);
  });
});
