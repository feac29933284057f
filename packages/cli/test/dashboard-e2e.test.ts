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
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import type { XdaFactory } from '../src/serve/open-data.js';
import { createSyntheticRun, syntheticStoreContent } from '../src/serve/synthetic-data.js';
import type { XdaProvider } from '../src/serve/types.js';
import { writeRun } from '../src/serve/write-stores.js';
import { openXdaEngine } from '../src/steps/xda-engine.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'test-output', 'dashboard');
const TINY_BERT = join(ROOT, 'packages/llm-adapter/assets/tiny-bert');
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

/** Real XDA on a checkpoint, decomposing alpha * <f_test, f_train> (cut to 32 tokens to stay fast). */
const attnLrp: XdaFactory = async (dir) => {
  const engine = await openXdaEngine(dir, 32);
  return async ({ testText, trainText, alpha }) => {
    const [pair] = engine.explain(testText, [trainText], [alpha === 0 ? 1 : alpha]);
    if (pair === undefined) throw new Error('XDA returned no pair');
    return { method: 'attnlrp', test: { tokens: [...pair.test.tokens], scores: Array.from(pair.test.scores) }, train: { tokens: [...pair.train.tokens], scores: Array.from(pair.train.scores) } };
  };
};

let server: DashboardServer;
let context: BrowserContext;
const scratch = mkdtempSync(join(tmpdir(), 'dualxda-e2e-'));

beforeAll(async () => {
  const dist = join(scratch, 'dist');
  // Build the current sources (not a possibly stale apps/dashboard/dist) into a scratch folder.
  await build({ configFile: join(ROOT, 'apps/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  const run = createSyntheticRun({ trainRows: 300, testRows: 120, dim: 16, classNames: ['sports', 'business', 'tech', 'world'], seed: 11 });
  const real = existsSync(join(TINY_BERT, 'config.json'));
  const modelDir = real ? TINY_BERT : join(scratch, 'checkpoint');
  mkdirSync(modelDir, { recursive: true });
  const store = await writeRun(scratch, syntheticStoreContent(run, 'train'), syntheticStoreContent(run, 'test'), run.solution, modelDir);
  server = await startDashboardServer({ store, port: 0, assetsDir: dist, xdaFactory: real ? attnLrp : async () => overlapXda });
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
    expect(await page.getByTestId('test-agreement').textContent()).toMatch(/logit cosine/);
    await page.screenshot({ path: join(OUT, 'global.png'), fullPage: true });
    await page.locator('[data-testid=mislabel-candidates] a').first().click();
    await page.getByTestId('train-view').waitFor();
    expect(errors).toEqual([]);
  }, 40_000);
});
