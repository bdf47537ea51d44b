// The webhook receiver the alerting e2e test reads pages from: it records Alertmanager's JSON by path and
// refuses what is not a POST of JSON, so a malformed delivery cannot pass for a page.
import { startWebhookSink, type WebhookSink } from './webhookSink';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(() => sink.close());

it('records a POSTed Alertmanager message under its path', async () => {
  const body = { receiver: 'oncall-pager-backend', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X', upstream: '10.0.0.1:80' }, annotations: { summary: 's' } }] };
  const res = await fetch(`${sink.url}/oncall-pager-backend`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  expect(sink.deliveries).toEqual([expect.objectContaining({ path: '/oncall-pager-backend', receiver: 'oncall-pager-backend', status: 'firing', alerts: body.alerts })]);
});

it('refuses other methods and bodies that are not JSON, recording nothing', async () => {
  const before = sink.deliveries.length;
  expect((await fetch(`${sink.url}/x`)).status).toBe(405);
  expect((await fetch(`${sink.url}/x`, { method: 'POST', body: 'not json' })).status).toBe(400);
  expect(sink.deliveries.length).toBe(before);
});

it('listens on loopback only', () => {
  expect(sink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});
