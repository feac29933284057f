/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test asserts the page elements it indexes */
/**
 * Accessibility end to end: the built dashboard in Debian's Chromium (playwright-core), axe-core
 * injected into every view (test list, test page, training page, heatmaps, overview, not-found) at
 * 1400×900 and 390×844; no serious or critical violation may remain. Also drives the heatmap page
 * by keyboard (values readable without a mouse) and checks its scale and word/token controls.
 * Screenshots go to test-output/dashboard-a11y/ (gitignored), as CI artefacts.
 *
 * Same setup as dashboard-e2e.test.ts: a synthetic run written to disk, real XDA on tiny-bert when
 * the checkpoint is present (wordpieces, 32-token cut), otherwise a whitespace-token stub.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, CHROMIUM_FLAGS, ROOT, startDiskRun, type Violation } from './dashboard-harness.js';
import type { DashboardServer } from '../src/serve/server.js';

const OUT = join(ROOT, 'test-output', 'dashboard-a11y');
const VIEWPORTS = [
  { name: 'desktop', width: 1400, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let server: DashboardServer;
let context: BrowserContext;
let supportVector = -1;
const scratch = mkdtempSync(join(tmpdir(), 'dualxda-a11y-'));
const base = (): string => server.url.replace(/\/$/, '');

beforeAll(async () => {
  server = await startDiskRun(scratch);
  // bypassCSP: the server's Content-Security-Policy (rightly) forbids the inline script that injects axe.
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true, bypassCSP: true });
  // The top proponent of test 0 is a support vector: its heatmap splits a real attribution.
  const detail = (await (await fetch(`${base()}/api/tests/0?k=1`)).json()) as { proponents: { row: number }[] };
  supportVector = detail.proponents[0]!.row;
  mkdirSync(OUT, { recursive: true });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every view, its hash and what shows that it has loaded. */
const VIEWS = (): { name: string; hash: string; ready: string; title: RegExp }[] => [
  { name: 'list', hash: '#/', ready: '[data-testid=test-row]', title: /dualxda/ },
  { name: 'test', hash: '#/test/0', ready: '[data-testid=proponents] tbody tr', title: /#0/ },
  { name: 'train', hash: `#/train/${supportVector}`, ready: '[data-testid=train-view]', title: new RegExp(`#${supportVector}`) },
  { name: 'heatmap', hash: `#/xda/0/${supportVector}`, ready: '[data-testid=heatmap-test] .tok', title: /Heatmaps: test #0/ },
  { name: 'text box', hash: '#/text', ready: '[data-testid=text-input]', title: /Explain a text/ },
  { name: 'overview', hash: '#/global', ready: '[data-testid=confusion-matrix]', title: /Overview/ },
  { name: 'not-found', hash: '#/no/such/page', ready: '[data-testid=not-found]', title: /dualxda/ },
];

describe('dashboard accessibility (axe-core in Chromium)', () => {
  for (const vp of VIEWPORTS) {
    it(`has no serious or critical axe violations on any view at ${vp.width}×${vp.height}`, async () => {
      const page = await context.newPage();
      await page.setViewportSize({ width: vp.width, height: vp.height });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const found: Record<string, Violation[]> = {};
      const titles: string[] = [];
      for (const view of VIEWS()) {
        await page.goto(`${base()}/${view.hash}`);
        await page.locator(view.ready).first().waitFor({ timeout: 20_000 });
        const title = await page.title();
        if (!view.title.test(title)) titles.push(`${view.name}: '${title}'`);
        const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
        if (serious.length > 0) found[view.name] = serious;
        await page.screenshot({ path: join(OUT, `${view.name}-${vp.name}.png`), fullPage: true });
      }
      expect(found).toEqual({});
      // Each view names the page (document.title), so tabs and history entries tell them apart.
      expect(titles).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);
  }

  it('shows the confusion matrix and the support-vector map on the overview', async () => {
    const page = await context.newPage();
    await page.goto(`${base()}/#/global`);
    await page.getByTestId('confusion-matrix').waitFor();
    const cells = await page.locator('[data-testid^=confusion-]:not([data-testid=confusion-matrix])').allTextContents();
    expect(cells).toHaveLength(16);
    expect(cells.reduce((s, c) => s + Number(c.split(' ')[0]!.replace(/,/g, '')), 0)).toBe(120);
    expect(await page.locator('[data-testid=embedding] circle').count()).toBeGreaterThan(10);
    await page.locator('[data-testid=embedding] circle').first().click();
    await page.getByTestId('train-view').waitFor();
    await page.close();
  }, 30_000);

  it('reads heatmap values by keyboard, on one colour scale or two, in words or wordpieces', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${base()}/#/xda/0/${supportVector}`);
    const tokens = page.locator('[data-testid=heatmap-test] .tok');
    await tokens.first().waitFor();
    // The main heading has the focus after the navigation; one Tab stop per text, arrows inside.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    expect(await page.locator('[data-testid=heatmap-test] .tok[tabindex="0"]').count()).toBe(1);
    await page.locator('[data-testid=heatmap-test] .tok[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label') ?? '', text: document.activeElement?.textContent ?? '' }));
    expect(focused.text).toBe(await tokens.nth(1).textContent());
    expect(focused.label).toMatch(/: [+-]?\d/);
    expect(await page.getByTestId('heatmap-test-hover').textContent()).toContain(`“${focused.text}”: `);
    // Every token's text meets WCAG AA contrast on its background.
    const ratios = await tokens.evaluateAll((els) =>
      els.map((el) => {
        const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
        const lum = ([r, g, b]: number[]) => [r!, g!, b!].map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i]!, 0);
        const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(getComputedStyle(el).backgroundColor))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }),
    );
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);
    // Ranked lists and the shared colour bar with its numbers.
    expect(await page.locator('[data-testid=xda-legend] .ticks span').count()).toBe(5);
    expect(await page.locator('[data-testid=heatmap-test-top-pos] li, [data-testid=heatmap-test-top-neg] li').count()).toBeGreaterThan(0);
    // Words by default (no ## continuation shown); wordpieces on demand.
    const words = await tokens.allTextContents();
    expect(words.some((w) => w.startsWith('##'))).toBe(false);
    await page.getByTestId('xda-words').uncheck();
    expect(await tokens.count()).toBeGreaterThanOrEqual(words.length);
    // Each side on its own scale: one colour bar per side.
    await page.getByTestId('xda-shared-scale').uncheck();
    await page.getByTestId('xda-legend-test').waitFor();
    expect(await page.getByTestId('xda-legend-train').count()).toBe(1);
    expect(await page.getByTestId('xda-legend').count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'heatmap-own-scales.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
