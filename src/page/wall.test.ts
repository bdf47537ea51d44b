// The README's first command as a NOC wall screen sees it: `upstream-doctor watch --replay
// samples/middlebox_idle_timeout` (with only `--listen 127.0.0.1:0` added), the built bin run as a user
// runs it, its page opened in Chromium at 1920×1080. Without scrolling, the verdict, the culprit upstream,
// "failing since", the flowchart with the engine's path lit and the 502 trend must all be on the screen,
// in type that reads from three metres, with no policy violation and no error. At 1280×800 the document
// itself scrolls (no scroll box inside the page). Keeps one screenshot per theme (docs/noc-*.png).
import fs from 'fs';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './testing/chromium';
import { openPage } from './testing/pageProbe';
import { screenshot } from './testing/screenshots';
import { startWatch, type WatchServer } from './testing/watchServer';

jest.setTimeout(240_000);

const WALL = { width: 1920, height: 1080 };

let browser: LaunchedBrowser;
let server: WatchServer;
let replayDir: string | null = null;

beforeAll(async () => {
  browser = await launchChromium(WALL);
  server = await startWatch(['--replay', 'samples/middlebox_idle_timeout']);
  replayDir = /replaying \S+ into (\S+) in real time/.exec(server.stderr())?.[1] ?? null;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  // watch writes the replay into a temporary directory and leaves it: this test's own, so removed here.
  if (replayDir && replayDir.includes('upstream-doctor-replay-')) fs.rmSync(replayDir, { recursive: true, force: true });
});

/** The replay starts from an empty log: the first named verdict takes about one window to form. */
async function namedVerdict(page: Page): Promise<string> {
  const banner = page.locator('[data-testid=verdict][data-status=named]');
  await banner.waitFor({ timeout: 60_000 });
  return (await banner.getAttribute('data-cause'))!;
}

/** Whether the element's box lies wholly inside the viewport, at the top of the document (no scrolling). */
async function onScreen(page: Page, selector: string): Promise<{ box: unknown; inside: boolean }> {
  return page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    const box = { x: Math.round(r.x), y: Math.round(r.y), right: Math.round(r.right), bottom: Math.round(r.bottom) };
    const inside = window.scrollY === 0 && r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    return { box, inside };
  });
}

/** Rendered size in px of the text in `selector`: font size times the SVG's scale where there is one. */
async function textPx(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (els) =>
    els.map((e) => {
      const size = parseFloat(getComputedStyle(e).fontSize);
      const ctm = e instanceof SVGGraphicsElement ? e.getScreenCTM() : null;
      return Math.round(size * (ctm ? ctm.a : 1) * 10) / 10;
    }),
  );
}

describe('the README first command on a 1920×1080 wall screen', () => {
  it.each(['dark', 'light'] as const)('%s: verdict, upstream, since, lit flowchart and 502 trend above the fold, readable, clean', async (theme) => {
    const { page, problems } = await openPage(browser.context, `${server.url}?theme=${theme}`, WALL);
    const cause = await namedVerdict(page);
    expect(cause).not.toBe('healthy');
    // Let the rest of the page catch up with the verdict (the trend needs points, the banner its incident).
    await page.waitForSelector('[data-testid=verdict-since] >> nth=0');
    await page.waitForSelector('[data-testid=chart-502] circle[data-t]');

    const parts = {
      verdict: '[data-testid=verdict-label]',
      upstream: '[data-testid=verdict-where]',
      since: '[data-testid=verdict-since]',
      flowchart: '[data-testid=flowchart]',
      verdictNode: '[data-node-id][data-state=verdict]',
      chart502: '[data-testid=chart-502]',
    };
    for (const [name, selector] of Object.entries(parts)) {
      expect({ name, ...(await onScreen(page, selector)) }).toEqual(expect.objectContaining({ name, inside: true }));
    }
    expect(await page.locator(parts.upstream).textContent()).toMatch(/upstream 127\.0\.0\.1:\d+/);
    expect(await page.locator('[data-testid=verdict-since-at]').textContent()).toMatch(/^\d{2}:\d{2} UTC$/);
    // The engine's walk is lit, root to the verdict node.
    const lit = await page.$$eval('[data-node-id]', (els) => els.filter((e) => /lit|verdict/.test(e.getAttribute('data-state')!)).map((e) => e.getAttribute('data-node-id')));
    expect(lit[0]).toBe('A');
    expect(lit.length).toBeGreaterThanOrEqual(3);

    // Type for three metres: a big verdict, flowchart labels from 20 px, evidence and fixes from 18 px.
    expect((await textPx(page, parts.verdict))[0]).toBeGreaterThanOrEqual(56);
    expect(Math.min(...(await textPx(page, '[data-node-id] text[data-role=label]')))).toBeGreaterThanOrEqual(20);
    expect(Math.min(...(await textPx(page, '[data-testid=evidence-list] li, [data-testid=fix-list] li')))).toBeGreaterThanOrEqual(18);

    await screenshot(page, `noc-${theme}.png`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('at 1280×800 the document scrolls, with no scroll box inside it', async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}?theme=dark`, { width: 1280, height: 800 });
    await namedVerdict(page);
    const scroll = await page.evaluate(() => {
      const doc = document.scrollingElement!;
      const before = doc.scrollTop;
      window.scrollTo(0, doc.scrollHeight);
      // Boxes that would catch the wheel: something scrolls vertically inside the page.
      const traps = [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((e) => /auto|scroll/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1)
        .map((e) => e.getAttribute('data-testid') ?? e.tagName);
      return { tall: doc.scrollHeight > innerHeight, before, after: doc.scrollTop, traps, wide: doc.scrollWidth > doc.clientWidth };
    });
    expect(scroll).toEqual({ tall: true, before: 0, after: expect.any(Number), traps: [], wide: false });
    expect(scroll.after).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
