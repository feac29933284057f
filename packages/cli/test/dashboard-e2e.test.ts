/**
 * End to end: the built dashboard in Debian's Chromium (playwright-core) against `startDashboardServer`
 * on a small synthetic run with a real Crammer–Singer surrogate. Opens the app, clicks a test example,
 * sees proponents, opens a heatmap and saves a screenshot under test-output/dashboard/ (CI artifact).
 *
 * The heatmap side uses a token-overlap stub provider: this test covers the UI and the API plumbing;
 * XDA's numbers are tested in @dualxda/xda.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { createSyntheticDashboardData } from '../src/serve/synthetic-data.js';
import type { XdaProvider } from '../src/serve/types.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'test-output', 'dashboard');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Relevance = +1 for a token the other text shares, -0.25 otherwise (a stub; see the file comment). */
const overlapXda: XdaProvider = async ({ testText, trainText }) => {
  const side = (a: string, b: string): { tokens: string[]; scores: number[] } => {
    const other = new Set(b.split(/\s+/));
    const tokens = a.split(/\s+/).filter((t) => t !== '');
    return { tokens, scores: tokens.map((t) => (other.has(t) ? 1 : -0.25)) };
  };
  return { method: 'e2e-overlap-stub', test: side(testText, trainText), train: side(trainText, testText) };
};

let server: DashboardServer;
let context: BrowserContext;
const scratch = mkdtempSync(join(tmpdir(), 'dualxda-e2e-'));

beforeAll(async () => {
  const dist = join(scratch, 'dist');
  // Build the current sources (not a possibly stale apps/dashboard/dist) into a scratch folder.
  await build({ configFile: join(ROOT, 'apps/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  const data = createSyntheticDashboardData({ trainRows: 300, testRows: 120, dim: 16, classNames: ['sports', 'business', 'tech', 'world'], seed: 11 });
  server = await startDashboardServer({ data: { ...data, xda: overlapXda }, port: 0, assetsDir: dist });
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true, viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('dashboard in Chromium', () => {
  it('lists tests, shows proponents of a clicked example, opens a heatmap and screenshots it', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('test-row').first().waitFor();
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
    expect(fcp).toBeGreaterThan(0);
    expect(fcp).toBeLessThan(2000);
    expect(await page.getByTestId('test-total').textContent()).toContain('120');

    // Filter to misclassified and back, then open the first example.
    await page.getByTestId('filter-misclassified').check();
    await page.waitForFunction(() => !document.querySelector('[data-testid=test-total]')?.textContent?.includes('120'));
    await page.getByTestId('filter-misclassified').uncheck();
    await page.getByTestId('test-row').first().click();
    await page.getByTestId('test-view').waitFor();
    const proponents = page.locator('[data-testid=proponents] tbody tr');
    await proponents.first().waitFor();
    expect(await proponents.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('sparsity-bar').textContent()).toMatch(/top-10/);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'test-page.png'), fullPage: true });

    // Heatmap of the pair (test, top proponent).
    await page.locator('[data-testid=proponents] a.xda-link').first().click();
    const token = page.locator('[data-testid=heatmap-test] .tok').first();
    await token.waitFor();
    expect(await page.locator('[data-testid=heatmap-train] .tok').count()).toBeGreaterThan(0);
    await token.hover();
    expect(await page.getByTestId('heatmap-test-hover').textContent()).toMatch(/“.+”: /);
    const bg = await token.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toMatch(/^rgb\((255, \d+, \d+|\d+, \d+, 255)\)$/);
    await page.screenshot({ path: join(OUT, 'xda-heatmap.png'), fullPage: true });

    // Global page and a training page render from the same run.
    await page.getByTestId('nav-global').click();
    await page.locator('[data-testid=mislabel-candidates] tr').first().waitFor();
    await page.locator('[data-testid=mislabel-candidates] a').first().click();
    await page.getByTestId('train-view').waitFor();
    expect(errors).toEqual([]);
  }, 40_000);
});
