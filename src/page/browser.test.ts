// The embedded page in a real browser, served by the real thing: Debian's Chromium (playwright-core)
// loads `/` from the built `upstream-doctor watch` (the package's bin, run as a user runs it) reading the
// lab's recorded logs, under the Content Security Policy header watch sends. It checks that the
// flowchart lights the engine's path, that drill-down (clicking a window, dragging across windows,
// choosing an upstream) re-runs the diagnosis and changes the verdict, that log text cannot run as
// script, that hand-edited URLs neither blank the page nor flood the collector, and that the fallback
// page (no page built) renders under its own policy. Screenshots go to test-results/ (and to docs/ with
// UPDATE_SCREENSHOTS=1). The README's first command on a wall screen is wall.test.ts.
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import type { Diagnosis } from '../../collector/report/diagnosis';
import { sampleFiles } from '../testing/samples';
import { launchChromium, type LaunchedBrowser } from './testing/chromium';
import { openPage } from './testing/pageProbe';
import { screenshot } from './testing/screenshots';
import { installWithoutPage, lineCount, ROOT, startWatch, type WatchServer } from './testing/watchServer';

jest.setTimeout(180_000);

let browser: LaunchedBrowser;
const servers: WatchServer[] = [];

beforeAll(async () => {
  const page = path.join(ROOT, 'build', 'page', 'index.html');
  if (!fs.existsSync(page)) throw new Error(`${page} is missing: run npm run build`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** `watch` over a recorded sample, as the README writes it, ready once it has read every line. */
async function watchSample(name: string, extra: string[] = [], files = sampleFiles(name)): Promise<WatchServer> {
  // Paths as a user in the checkout types them: samples/NAME/access.log.
  const rel = (f: string) => path.relative(ROOT, f);
  const args = ['--access', ...files.access.map(rel), '--error', ...files.error.map(rel), '--nginx-conf', rel(files.nginxConf), '--start-at', 'beginning'];
  if (files.kernelLog) args.push('--kernel-log', rel(files.kernelLog));
  const expectLines = {
    access: files.access.reduce((n, f) => n + lineCount(f), 0),
    error: files.error.reduce((n, f) => n + lineCount(f), 0),
    ...(files.kernelLog ? { kernel: lineCount(files.kernelLog) } : {}),
  };
  const s = await startWatch([...args, ...extra], { expectLines });
  servers.push(s);
  return s;
}

async function diagnosisOf(s: WatchServer, query = ''): Promise<Diagnosis> {
  return (await (await fetch(`${s.url}api/diagnosis${query}`)).json()) as Diagnosis;
}

async function verdictOf(page: Page, cause: string) {
  await page.waitForSelector(`[data-testid=verdict][data-cause=${cause}]`, { timeout: 30_000 });
}

async function nodeStates(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-node-id]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-node-id'), e.getAttribute('data-state')])),
  );
}

/** The node ids lit (the walk), in flowchart order, ending with the verdict node. */
async function litPath(page: Page): Promise<string[]> {
  const s = await nodeStates(page);
  return Object.keys(s).filter((id) => s[id] === 'lit' || s[id] === 'verdict');
}

/** Centre of the 502 chart's point for the window starting at `t`, in page coordinates. */
async function pointAt(page: Page, t: number): Promise<{ x: number; y: number }> {
  const point = page.locator(`[data-testid=chart-502] circle[data-t="${t}"]`);
  await point.scrollIntoViewIfNeeded();
  const box = await point.boundingBox();
  if (!box) throw new Error(`no 502 point at ${new Date(t).toISOString()}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe('the page watch serves, in Chromium', () => {
  it('lights A → B → D → E for the keepalive idle-timeout race, in dark and light, and as a small tile', async () => {
    const server = await watchSample('keepalive_idle_race');
    const expected = await diagnosisOf(server);
    expect(expected.likely_cause).toBe('keepalive_idle_race');
    const { page, problems } = await openPage(browser.context, `${server.url}?theme=dark&refresh=0`, { width: 1440, height: 1000 });

    await verdictOf(page, 'keepalive_idle_race');
    expect(await litPath(page)).toEqual(expected.flowchart_path);
    expect((await nodeStates(page)).E).toBe('verdict');
    expect(await page.$$eval('[data-lit=true]', (els) => els.map((e) => e.getAttribute('data-edge')))).toEqual(['A-B', 'B-D', 'D-E']);
    const evidence = await page.locator('[data-testid=evidence-list] li').allTextContents();
    expect(evidence).toEqual(expected.causes[0].evidence);
    expect(await page.locator('[data-testid=fix-list] li').first().textContent()).toBe(expected.causes[0].fix[0].replace(/`/g, ''));
    // The verdict must carry across a room: the cause name is drawn big, and since when it has been failing.
    const size = await page.locator('[data-testid=verdict-label]').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size).toBeGreaterThanOrEqual(36);
    expect(await page.locator('[data-testid=verdict-since-at]').textContent()).toBe(`${expected.incident!.since.slice(11, 16)} UTC`);

    await screenshot(page, 'panel-dark.png');
    await page.click('[data-testid=theme-toggle]');
    await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=doctor-view]')!).backgroundColor === 'rgb(244, 245, 245)');
    expect(await litPath(page)).toEqual(expected.flowchart_path);
    await screenshot(page, 'panel-light.png');

    // A small tile on the wall: compact mode follows the window size.
    await page.click('[data-testid=theme-toggle]');
    await page.setViewportSize({ width: 480, height: 340 });
    await page.waitForSelector('[data-testid=doctor-view][data-compact=true]');
    expect(await page.locator('[data-testid=path-crumbs]').textContent()).toBe('A → B → D → E: Align keepalive and LB timeouts');
    expect(await page.locator('[data-testid=flowchart]').count()).toBe(0);
    await screenshot(page, 'panel-compact-dark.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clicking a window of the 502 chart re-runs the diagnosis for it; dragging across windows too', async () => {
    // 2 s windows: the backend crashed in the first four, and the fifth is after the restart.
    const server = await watchSample('backend_crash', ['--window', '2s']);
    const whole = await diagnosisOf(server);
    expect(whole.likely_cause).toBe('backend_crash');
    const starts = whole.series.points.map((p) => Date.parse(p.t));
    const last = starts[starts.length - 1];
    expect((await diagnosisOf(server, `?from=${last}&to=${last + 2000}`)).likely_cause).toBe('healthy');
    const { page, problems, apiRequests } = await openPage(browser.context, `${server.url}?theme=dark&refresh=0`, { width: 1440, height: 1000 });

    await verdictOf(page, 'backend_crash');
    expect(await litPath(page)).toEqual(['A', 'B', 'C']);

    const after = await pointAt(page, last);
    await page.mouse.click(after.x, after.y);
    await verdictOf(page, 'healthy');
    expect(await litPath(page)).toEqual(['A', 'O']);
    expect(apiRequests).toContain(`/api/diagnosis?from=${last}&to=${last + 2000}`);
    expect(await page.locator('[data-testid=drill-bar]').textContent()).toContain('Drill-down');
    expect(page.url()).toContain(`from=${encodeURIComponent(new Date(last).toISOString())}`);
    await screenshot(page, 'panel-drilldown-dark.png');

    // Drag from the first window to the third: the crash again, for that span.
    const a = await pointAt(page, starts[0]);
    const b = await pointAt(page, starts[2]);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, a.y, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await verdictOf(page, 'backend_crash');
    const asked = apiRequests.filter((r) => r.startsWith('/api/diagnosis?from=')).pop()!;
    const q = new URL(asked, 'http://x').searchParams;
    expect(Number(q.get('from'))).toBeGreaterThanOrEqual(starts[0]);
    expect(Number(q.get('to'))).toBeLessThanOrEqual(starts[3]);
    expect(Number(q.get('to')) - Number(q.get('from'))).toBeGreaterThan(2000);

    await page.click('[data-testid=drill-reset]');
    await page.waitForSelector('[data-testid=drill-bar]', { state: 'detached' });
    await verdictOf(page, 'backend_crash');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('choosing an upstream narrows the diagnosis to it: unreachable reports vs a healthy app', async () => {
    const server = await watchSample('upstream_unreachable');
    expect((await diagnosisOf(server, '?upstream=127.0.0.1:41723')).likely_cause).toBe('healthy');
    const { page, problems, apiRequests } = await openPage(browser.context, `${server.url}?theme=light&refresh=0`, { width: 1440, height: 1000 });

    await verdictOf(page, 'upstream_unreachable');
    expect(await litPath(page)).toEqual(['A', 'B', 'D', 'F', 'I', 'K', 'L']);
    await page.click('[data-testid=upstream-row][data-upstream="127.0.0.1:41723"] button');
    await verdictOf(page, 'healthy');
    expect(await page.locator('[data-testid=verdict]').getAttribute('data-status')).toBe('healthy');
    expect(await litPath(page)).toEqual(['A', 'O']);
    expect(apiRequests).toContain('/api/diagnosis?upstream=127.0.0.1%3A41723');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('names the OOM kill it reads in the kernel log', async () => {
    const server = await watchSample('oom_kill');
    const { page, problems } = await openPage(browser.context, `${server.url}?refresh=0`, { width: 1280, height: 800 });
    await verdictOf(page, 'oom_kill');
    expect(await litPath(page)).toEqual(['A', 'B', 'C']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a <script> in a request line as text, and it never runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ud-xss-'));
    try {
      const files = sampleFiles('keepalive_idle_race');
      const payload = '/<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>';
      const lines = fs.readFileSync(files.access[0], 'utf8').split('\n');
      const i = lines.findIndex((l) => /" 502 /.test(l));
      lines[i] = lines[i].replace(/"POST [^ ]+ HTTP\/1\.1"/, `"GET ${payload} HTTP/1.1"`);
      expect(lines[i]).toContain(payload);
      const access = path.join(dir, 'access.log');
      fs.writeFileSync(access, lines.join('\n'));
      const server = await watchSample('keepalive_idle_race', [], { ...files, access: [access] });
      expect((await diagnosisOf(server)).examples.requests.map((r) => r.request)).toContain(`GET ${payload} HTTP/1.1`);

      const { page, problems } = await openPage(browser.context, `${server.url}?refresh=0`, { width: 1440, height: 1000 });
      await page.waitForSelector('[data-testid=example-request]');
      const cells = await page.locator('[data-testid=example-request]').allTextContents();
      expect(cells.some((c) => c.includes(`GET ${payload} HTTP/1.1`))).toBe(true);
      // Give an injected handler the chance to run before asking whether it did.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#root script, #root img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hand-edited URLs', () => {
  let server: WatchServer;
  beforeAll(async () => {
    server = await watchSample('healthy');
  });

  it('a time no Date can hold is ignored: the page still renders the whole range', async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}?from=99999999999999999&to=1&refresh=0`, { width: 1280, height: 800 });
    await verdictOf(page, 'healthy');
    expect(await page.locator('[data-testid=drill-bar]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refresh=0.001 asks the collector every 5 s at most, not hundreds of times a second', async () => {
    const { page, problems, apiRequests } = await openPage(browser.context, `${server.url}?refresh=0.001`, { width: 1280, height: 800 });
    await verdictOf(page, 'healthy');
    expect(await page.locator('[data-testid=updated]').textContent()).toContain('every 5 s');
    // Count what one tab asks over a few seconds: the first answer, then one refresh per 5 s.
    const from = apiRequests.length;
    await page.waitForTimeout(6_000);
    expect(apiRequests.length - from).toBeLessThanOrEqual(2);
    expect(apiRequests.length).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the fallback page (the page not built)', () => {
  it('renders its verdict and its stylesheet under the policy watch sends with it', async () => {
    const install = installWithoutPage();
    try {
      const files = sampleFiles('keepalive_idle_race');
      const server = await startWatch(['--access', files.access[0], '--error', files.error[0], '--nginx-conf', files.nginxConf, '--start-at', 'beginning'], {
        bin: install.bin,
        expectLines: { access: lineCount(files.access[0]) },
      });
      servers.push(server);
      const res = await fetch(server.url);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'none'; style-src 'sha256-/);
      const { page, problems } = await openPage(browser.context, server.url, { width: 1280, height: 800 });
      expect(await page.locator('h1').textContent()).toBe('Keepalive idle-timeout race');
      // The inline stylesheet applied: 3rem headings in the "bad" colour.
      expect(await page.locator('h1').evaluate((e) => [getComputedStyle(e).fontSize, getComputedStyle(e).color])).toEqual(['48px', 'rgb(242, 73, 92)']);
      expect(problems).toEqual([]);
      await page.close();
      await server.stop();
    } finally {
      install.remove();
    }
  });
});
