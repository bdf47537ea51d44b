// The embedded page in a real browser: Debian's Chromium (playwright-core) loads build/page/index.html
// from a loopback server that answers /api/diagnosis with the engine's real diagnosis of the lab's
// recorded logs. It checks that the flowchart lights the engine's path, that drill-down (clicking a
// window, dragging across windows, choosing an upstream) re-runs the diagnosis and changes the verdict,
// that log text cannot run as script, and saves dark and light screenshots under test-results/.
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { analyzeFiles } from '../../collector/ingest/files';
import { buildDiagnosis, type DiagnosisSources } from '../../collector/report/diagnosis';
import { sampleFiles, sampleSources } from '../testing/samples';
import { startPageServer, type PageServer } from './devServer';
import { launchChromium, type LaunchedBrowser } from './testing/chromium';

const ROOT = path.resolve(__dirname, '..', '..');
const PAGE = path.join(ROOT, 'build', 'page', 'index.html');
const OUT = path.join(ROOT, 'test-results');
const DOCS = path.join(ROOT, 'docs');

jest.setTimeout(120_000);

let browser: LaunchedBrowser;
const servers: PageServer[] = [];

beforeAll(async () => {
  if (!fs.existsSync(PAGE)) throw new Error(`${PAGE} is missing: run npm run build`);
  fs.mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(sources: DiagnosisSources): Promise<PageServer> {
  const s = await startPageServer({ sources, pageFile: PAGE });
  servers.push(s);
  return s;
}

/** A page that records what would be a bug: script errors, console errors, policy violations. */
async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

async function verdictOf(page: Page, cause: string) {
  await page.waitForSelector(`[data-testid=verdict][data-cause=${cause}]`, { timeout: 15_000 });
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
  const box = await page.locator(`[data-testid=chart-502] circle[data-t="${t}"]`).boundingBox();
  if (!box) throw new Error(`no 502 point at ${new Date(t).toISOString()}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function screenshot(page: Page, name: string) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file });
  // `UPDATE_SCREENSHOTS=1 npm test` refreshes the README's pictures; an ordinary run never touches docs/.
  if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(file, path.join(DOCS, name));
  return file;
}

describe('the embedded page in Chromium', () => {
  it('lights A → B → D → E for the keepalive idle-timeout race, in dark and light', async () => {
    const sources = await sampleSources('keepalive_idle_race');
    const expected = buildDiagnosis(sources);
    expect(expected.likely_cause).toBe('keepalive_idle_race');
    const server = await serve(sources);
    const { page, problems } = await open(`${server.url}?theme=dark&refresh=0`);

    await verdictOf(page, 'keepalive_idle_race');
    expect(await litPath(page)).toEqual(expected.flowchart_path);
    expect((await nodeStates(page)).E).toBe('verdict');
    expect(await page.$$eval('[data-lit=true]', (els) => els.map((e) => e.getAttribute('data-edge')))).toEqual(['A-B', 'B-D', 'D-E']);
    const evidence = await page.locator('[data-testid=evidence-list] li').allTextContents();
    expect(evidence).toEqual(expected.causes[0].evidence);
    expect(await page.locator('[data-testid=fix-list] li').first().textContent()).toBe(expected.causes[0].fix[0].replace(/`/g, ''));
    // The verdict must carry across a room: the cause name is drawn big.
    const size = await page.locator('[data-testid=verdict-label]').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size).toBeGreaterThanOrEqual(36);

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
    const sources = await sampleSources('backend_crash', 2000);
    const whole = buildDiagnosis(sources);
    expect(whole.likely_cause).toBe('backend_crash');
    const starts = whole.series.points.map((p) => Date.parse(p.t));
    const last = starts[starts.length - 1];
    expect(buildDiagnosis(sources, { from: last, to: last + 2000 }).likely_cause).toBe('healthy');
    const server = await serve(sources);
    const { page, problems } = await open(`${server.url}?theme=dark&refresh=0`);

    await verdictOf(page, 'backend_crash');
    expect(await litPath(page)).toEqual(['A', 'B', 'C']);

    const after = await pointAt(page, last);
    await page.mouse.click(after.x, after.y);
    await verdictOf(page, 'healthy');
    expect(await litPath(page)).toEqual(['A', 'O']);
    expect(server.requests).toContain(`/api/diagnosis?from=${last}&to=${last + 2000}`);
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
    const asked = server.requests.filter((r) => r.startsWith('/api/diagnosis?from=')).pop()!;
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
    const sources = await sampleSources('upstream_unreachable');
    expect(buildDiagnosis(sources, { upstream: '127.0.0.1:41723' }).likely_cause).toBe('healthy');
    const server = await serve(sources);
    const { page, problems } = await open(`${server.url}?theme=light&refresh=0`);

    await verdictOf(page, 'upstream_unreachable');
    expect(await litPath(page)).toEqual(['A', 'B', 'D', 'F', 'I', 'K', 'L']);
    await page.click('[data-testid=upstream-row][data-upstream="127.0.0.1:41723"] button');
    await verdictOf(page, 'healthy');
    expect(await litPath(page)).toEqual(['A', 'O']);
    expect(server.requests).toContain('/api/diagnosis?upstream=127.0.0.1%3A41723');
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
      const sources = await analyzeFiles({ ...files, access: [access] });
      expect(buildDiagnosis(sources).examples.requests.map((r) => r.request)).toContain(`GET ${payload} HTTP/1.1`);

      const server = await serve(sources);
      const { page, problems } = await open(`${server.url}?refresh=0`);
      await page.waitForSelector('[data-testid=example-request]');
      const cells = await page.locator('[data-testid=example-request]').allTextContents();
      expect(cells.some((c) => c.includes(`GET ${payload} HTTP/1.1`))).toBe(true);
      await page.waitForTimeout(300);
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
