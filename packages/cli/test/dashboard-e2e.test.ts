/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test asserts the page elements and API answers it indexes */
/**
 * End to end: the built dashboard in Debian's Chromium (playwright-core) against `startDashboardServer`
 * serving a small synthetic run written to disk the way `dualxda demo` writes it (Zarr train/test
 * stores, `dualda/` model from the Crammer–Singer solver, dualxda-run.json). Opens the app, clicks a
 * test example, sees proponents, opens a heatmap and saves screenshots under test-output/dashboard/.
 *
 * Heatmaps come from real XDA (AttnLRP) on the tiny-bert checkpoint when it is present; otherwise
 * from a token-overlap stub, which still covers the UI and API plumbing (XDA's numbers are tested
 * in @dualxda/xda).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, ROOT, startDiskRun } from './dashboard-harness.js';
import type { DashboardServer } from '../src/serve/server.js';

const OUT = join(ROOT, 'test-output', 'dashboard');

let server: DashboardServer;
let context: BrowserContext;
const scratch = mkdtempSync(join(tmpdir(), 'dualxda-e2e-'));

beforeAll(async () => {
  server = await startDiskRun(scratch);
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
    // Painted at all; how fast is the serve bench's business (timed asserts flake on a loaded CI machine).
    expect(fcp).toBeGreaterThan(0);
    expect(await page.getByTestId('test-total').textContent()).toContain('120');
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'test-list.png') });

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
    await page.screenshot({ path: join(OUT, 'test-page.png'), fullPage: true });

    // Switch the explained class to one the model did not predict: the heatmap link must carry it.
    const testUrl = new URL(page.url());
    const predicted = (await page.getByTestId('prediction').textContent())!;
    const other = page.locator('[data-testid=test-view] a.pill:not(.on)').first();
    const otherName = (await other.textContent())!;
    expect(otherName).not.toBe(predicted);
    await other.click();
    await page.waitForFunction(() => location.hash.includes('?class='));
    const cls = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('class')!;
    // Wait for the list of the new class (the previous one carried ?class=<prediction>).
    await page.waitForFunction((c) => document.querySelector('[data-testid=proponents] a.xda-link')?.getAttribute('href')?.endsWith(`?class=${c}`) === true, cls);
    expect(await page.locator('[data-testid=proponents] a.xda-link').first().getAttribute('href')).toMatch(new RegExp(`^#/xda/\\d+/\\d+\\?class=${cls}$`));

    // Heatmap of the pair (test, top proponent for that class), with its budget.
    await page.locator('[data-testid=proponents] a.xda-link').first().click();
    await page.getByTestId('xda-budget').waitFor();
    expect(await page.getByTestId('xda-class').textContent()).toBe(otherName);
    expect(await page.getByTestId('xda-explained').textContent()).toMatch(/split the attribution/);
    expect(await page.getByTestId('xda-budget-test').textContent()).toMatch(/test tokens sum to .+ of the attribution\); absorbed: .+; residual /);
    expect(await page.getByTestId('xda-budget-train').textContent()).toMatch(/train tokens sum to/);
    expect(await page.getByTestId('xda-mode').textContent()).toBe('per-position');
    expect(await page.getByTestId('xda-legend').textContent()).toMatch(/one scale for both texts/);
    const token = page.locator('[data-testid=heatmap-test] .tok').first();
    await token.waitFor();
    expect(await page.locator('[data-testid=heatmap-train] .tok').count()).toBeGreaterThan(0);
    await token.hover();
    expect(await page.getByTestId('heatmap-test-hover').textContent()).toMatch(/“.+”: /);
    const bg = await token.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toMatch(/^rgb\((255, \d+, \d+|\d+, \d+, 255)\)$/);
    await page.screenshot({ path: join(OUT, 'xda-heatmap.png'), fullPage: true });

    // A training row that is not a support vector: attribution 0, said in words, kernel-only maps.
    const testRow = Number(testUrl.hash.match(/#\/test\/(\d+)/)![1]);
    let nonSv = -1;
    for (let r = 0; r < 300 && nonSv < 0; r++) {
      const detail = (await (await fetch(`${server.url.replace(/\/$/, '')}/api/train/${r}?k=1`)).json()) as { isSupportVector: boolean };
      if (!detail.isSupportVector) nonSv = r;
    }
    expect(nonSv).toBeGreaterThanOrEqual(0);
    await page.goto(`${server.url.replace(/\/$/, '')}/#/xda/${testRow}/${nonSv}?class=${cls}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=xda-explained]')?.textContent?.startsWith('not a support vector') === true);
    expect(await page.getByTestId('xda-explained').textContent()).toMatch(/^not a support vector: attribution 0\. Kernel-only heatmaps/);
    expect(await page.locator('[data-testid=heatmap-test] h3').textContent()).toMatch(/kernel-only/);
    await page.screenshot({ path: join(OUT, 'xda-not-support-vector.png'), fullPage: true });

    // Global page and a training page render from the same run.
    await page.getByTestId('nav-global').click();
    await page.locator('[data-testid=mislabel-candidates] tr').first().waitFor();
    expect(await page.getByTestId('test-agreement').textContent()).toMatch(/logit cosine/);
    await page.screenshot({ path: join(OUT, 'global.png'), fullPage: true });
    await page.locator('[data-testid=mislabel-candidates] a').first().click();
    await page.getByTestId('train-view').waitFor();
    expect(errors).toEqual([]);
  }, 40_000);
});
