// @grafana/plugin-e2e specs: the built plugin (dist/) inside a real Grafana, started by `npm run server`
// (docker compose). They open the provisioned dashboard tests/provisioning/dashboards/upstream-doctor-e2e.json,
// whose TestData queries return frames shaped like the collector's Prometheus series.
import { expect, test } from '@grafana/plugin-e2e';

const DASHBOARD = 'upstream-doctor-e2e.json';

test('names the cause and lights the engine’s path from the likely_cause series', async ({ gotoDashboardPage, readProvisionedDashboard }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD });
  const page = await gotoDashboardPage(dashboard);
  const panel = page.getPanelByTitle('Keepalive race (TestData)');
  await panel.scrollIntoView();
  await expect(panel.locator.getByTestId('verdict')).toHaveAttribute('data-cause', 'keepalive_idle_race');
  await expect(panel.locator.getByTestId('flowchart')).toHaveAttribute('data-path', 'A,B,D,E');
  await expect(panel.locator.locator('[data-node-id=E]')).toHaveAttribute('data-state', 'verdict');
  await expect(panel.locator.getByTestId('reuse-share')).toHaveText('90 % reused');
  await expect(panel.locator.getByTestId('stat-rate502')).toHaveAttribute('data-tone', 'bad');
});

test('says "No data" in words when the queries return nothing', async ({ gotoDashboardPage, readProvisionedDashboard }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD });
  const page = await gotoDashboardPage(dashboard);
  const panel = page.getPanelByTitle('No data (TestData)');
  await panel.scrollIntoView();
  await expect(panel.locator.getByTestId('state-empty')).toContainText('No data');
});

test('a small tile switches to compact mode: verdict and path only', async ({ gotoDashboardPage, readProvisionedDashboard }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD });
  const page = await gotoDashboardPage(dashboard);
  const panel = page.getPanelByTitle('Compact tile (TestData)');
  await panel.scrollIntoView();
  await expect(panel.locator.getByTestId('doctor-view')).toHaveAttribute('data-compact', 'true');
  await expect(panel.locator.getByTestId('path-crumbs')).toContainText('A → B → D → E');
});

test('the orientation option turns the flowchart', async ({ gotoPanelEditPage, readProvisionedDashboard }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD });
  const edit = await gotoPanelEditPage({ dashboard, id: '1' });
  await expect(edit.panel.locator.getByTestId('flowchart')).toHaveAttribute('data-orientation', 'vertical');
  await edit.getCustomOptions('Display').getRadioGroup('Flowchart orientation').check('Horizontal');
  await expect(edit.panel.locator.getByTestId('flowchart')).toHaveAttribute('data-orientation', 'horizontal');
});

test('clicking a 502 point sets the dashboard time range to that window', async ({ gotoDashboardPage, readProvisionedDashboard, page }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD });
  const dash = await gotoDashboardPage(dashboard);
  const panel = dash.getPanelByTitle('Keepalive race (TestData)');
  await panel.scrollIntoView();
  // The window starting 23:34:20 UTC (10 s steps in the TestData frames).
  const t = Date.UTC(2026, 10, 20, 23, 34, 20);
  const point = panel.locator.locator(`[data-testid=chart-502] circle[data-t="${t}"]`);
  const box = await point.boundingBox();
  expect(box).not.toBeNull();
  await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  // Grafana writes absolute ranges as epoch ms or as ISO timestamps, depending on the version.
  const range = () => {
    const q = new URL(page.url()).searchParams;
    const ms = (v: string | null) => (v === null ? NaN : /^\d+$/.test(v) ? Number(v) : Date.parse(v));
    return [ms(q.get('from')), ms(q.get('to'))];
  };
  await expect.poll(range).toEqual([t, t + 10_000]);
});
