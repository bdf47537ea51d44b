// Screenshots the browser tests take: always into test-results/ (look at them after a run), and into
// docs/ — the pictures the README and docs/panel.md show — only with UPDATE_SCREENSHOTS=1, so an
// ordinary run never changes a committed file.
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { ROOT } from './watchServer';

export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const DOCS_DIR = path.join(ROOT, 'docs');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(file, path.join(DOCS_DIR, name));
  return file;
}
