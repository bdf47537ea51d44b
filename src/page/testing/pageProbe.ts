// A page opened in Chromium with everything recorded that would be a bug or a load problem: script
// errors, console errors, Content Security Policy violations (as Chromium reports them on the console
// and as `securitypolicyviolation` events in the page), and every API request the page made.
import type { BrowserContext, Page } from 'playwright-core';

export interface Probe {
  page: Page;
  /** Page errors, console errors and policy violations, in order; a clean page leaves it empty. */
  problems: string[];
  /** Path and query of each request to the collector's API, in order. */
  apiRequests: string[];
}

declare global {
  interface Window {
    __udViolation?: (text: string) => void;
  }
}

export async function openPage(context: BrowserContext, url: string, viewport?: { width: number; height: number }): Promise<Probe> {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems: string[] = [];
  const apiRequests: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.includes('/api/')) apiRequests.push(`${u.pathname}${u.search}`);
  });
  // Bindings and init scripts come from the browser, not the page: the page's own policy does not stop them.
  await page.exposeFunction('__udViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__udViolation?.(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  await page.goto(url);
  return { page, problems, apiRequests };
}
