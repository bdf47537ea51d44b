// Debian's Chromium driven by playwright-core: no downloaded browsers, no network, a fresh profile that
// is deleted afterwards.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1440, height: 1280 }): Promise<LaunchedBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (scripts/setup.sh does) or set CHROMIUM_PATH`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ud-chromium-'));
  // Playwright owns --user-data-dir: a persistent context on a fresh temporary profile is the same thing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
