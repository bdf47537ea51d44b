import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import http from 'http';
import type { AddressInfo } from 'net';
import { startCollectorApi, type CollectorApi } from '../testing/collectorApi';
import { nodeFetch } from '../testing/nodeFetch';
import { sampleSources } from '../testing/samples';
import { App } from './App';

let server: CollectorApi;
beforeAll(async () => {
  server = await startCollectorApi(await sampleSources('upstream_unreachable'));
});
afterAll(() => server.close());

const mount = (search: string, base = server.url, onParams = jest.fn()) => {
  render(<App base={base} search={search} prefersLight={false} width={1400} height={1000} fetchImpl={nodeFetch} onParams={onParams} />);
  return onParams;
};

describe('the embedded page', () => {
  it('asks the collector it came from and shows its verdict', async () => {
    mount('?refresh=0');
    await waitFor(() => expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('upstream_unreachable'));
    expect(screen.getByTestId('flowchart').getAttribute('data-path')).toBe('A,B,D,F,I,K,L');
    expect(screen.getByTestId('updated').textContent).toMatch(/updated \d{4}-\d{2}-\d{2}/);
  });

  it('drills into an upstream: asks again with it, and keeps it in the URL', async () => {
    const onParams = mount('?refresh=0');
    await waitFor(() => screen.getByTestId('upstreams'));
    const row = screen.getAllByTestId('upstream-row').find((r) => r.getAttribute('data-upstream') === '127.0.0.1:41723')!;
    await act(async () => fireEvent.click(within(row).getByRole('button')));
    await waitFor(() => expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('healthy'));
    expect(server.requests).toContain('/api/diagnosis?upstream=127.0.0.1%3A41723');
    expect(onParams).toHaveBeenLastCalledWith('?upstream=127.0.0.1%3A41723&refresh=0');
    await act(async () => fireEvent.click(screen.getByTestId('drill-reset')));
    await waitFor(() => expect(screen.getByTestId('verdict').getAttribute('data-cause')).toBe('upstream_unreachable'));
  });

  it('starts from a drilled URL: asks for that window, says when it holds no request, offers the way back', async () => {
    mount('?from=1000&to=2000&refresh=0');
    await waitFor(() => screen.getByTestId('state-empty'));
    expect(screen.getByTestId('state-empty').textContent).toContain('No requests in this window');
    expect(server.requests).toContain('/api/diagnosis?from=1000&to=2000');
    expect(screen.getByTestId('drill-bar')).toBeTruthy();
  });

  it('says the collector cannot be reached, in words', async () => {
    const gone = http.createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    mount('?refresh=0', `http://127.0.0.1:${port}/`);
    await waitFor(() => screen.getByTestId('state-error'));
    expect(screen.getByTestId('state-error').textContent).toContain('did not answer');
  });

  it('switches between dark and light', async () => {
    const onParams = mount('?refresh=0&theme=dark');
    await waitFor(() => screen.getByTestId('verdict'));
    expect(screen.getByTestId('doctor-view').style.background).toBe('rgb(17, 18, 23)');
    fireEvent.click(screen.getByTestId('theme-toggle'));
    expect(screen.getByTestId('doctor-view').style.background).toBe('rgb(244, 245, 245)');
    expect(onParams).toHaveBeenLastCalledWith('?theme=light&refresh=0');
  });
});
