// @grafana/plugin-e2e against a Grafana started by `npm run server` (docker compose). Not part of `npm test`:
// Grafana does not run on every machine. CHROMIUM_PATH uses an installed Chromium (e.g. Debian's
// /usr/bin/chromium) instead of a browser downloaded by Playwright.
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import path from 'node:path';

const pluginE2eAuth = `${path.dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;
const executablePath = process.env.CHROMIUM_PATH;

export default defineConfig<PluginOptions>({
  testDir: './tests',
  testMatch: /.*\.spec\.ts$/,
  outputDir: 'test-results/e2e',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 2 : 0,
  reporter: [['list'], ['html', { outputFolder: 'test-results/e2e-report', open: 'never' }]],
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    provisioningRootDir: path.join(__dirname, 'tests', 'provisioning'),
    trace: 'on-first-retry',
    launchOptions: executablePath ? { executablePath, args: ['--no-sandbox', '--disable-gpu'] } : {},
  },
  projects: [
    { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
    {
      name: 'run-tests',
      use: { ...devices['Desktop Chrome'], storageState: 'playwright/.auth/admin.json' },
      dependencies: ['auth'],
    },
  ],
});
