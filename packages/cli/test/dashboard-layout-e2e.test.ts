/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test asserts the page elements it indexes */
/**
 * Layout, URL state and thin states of the dashboard in Debian's Chromium (playwright-core), at a
 * desktop (1400×900) and a phone (390×844) viewport (issue 15, items 1, 3, 4, 8, 9). Two in-memory
 * servers: a small synthetic run whose training texts start with long unbroken runs (`=====…`,
 * an iso-2022 mail header) and a run with 1,000,000 test rows for the windowed list. Screenshots
 * go to test-output/screenshots/ (gitignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, CHROMIUM_FLAGS, ROOT } from './dashboard-harness.js';
import { createMemoryTestSource, createMemoryTrainSource } from '../src/serve/memory-store.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { createSyntheticRun, type SyntheticRun } from '../src/serve/synthetic-data.js';
import type { DashboardData, XdaProvider } from '../src/serve/types.js';

/** The list's search pause (SEARCH_DEBOUNCE_MS of apps/dashboard/src/views/use-list-url.ts). */
const SEARCH_DEBOUNCE_MS = 250;

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const VIEWPORTS = [
  { name: 'desktop', width: 1400, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const BIG_ROWS = 1_000_000;
const LONG_RUNS = ['='.repeat(300), `Subject:${'=?iso-2022-jp?B?GyRCJEgkSiQ/GyhC?='.repeat(8)}`];

/** A stub heatmap provider (the layout, not XDA's numbers, is under test here). */
const stubXda: XdaProvider = async ({ testText, trainText, alpha }) => {
  const side = (s: string) => ({ tokens: s.split(/\s+/).slice(0, 20), scores: s.split(/\s+/).slice(0, 20).map((_, i) => alpha * (i % 2 === 0 ? 1 : -0.5)) });
  const budget = { tokenSum: 0, share: 1, absorbed: { positionEmbeddings: 0, softmax: 0, normalisation: 0, biases: 0, stabiliser: 0 }, residual: 0 };
  return { method: 'layout-stub', mode: 'per-position', test: side(testText), train: side(trainText), kernel: 1, attribution: alpha, decomposes: 'attribution', explained: alpha, budget: { test: budget, train: budget }, notes: [] };
};

function dataOf(run: SyntheticRun, test: SyntheticRun['test'], xda?: XdaProvider): DashboardData {
  const { dim, classNames, train, solution } = run;
  return {
    train: createMemoryTrainSource({ features: train.features, dim, labels: train.labels, classNames, texts: train.texts }, 'memory:train'),
    test: createMemoryTestSource({ features: test.features, dim, labels: test.labels, classNames, texts: test.texts, logits: test.logits }, 'memory:test'),
    model: { C: solution.C, classNames, svIndices: solution.svIndices, svAlpha: solution.svAlpha, bias: solution.bias, diagnostics: solution.diagnostics },
    ...(xda === undefined ? { xdaUnavailableReason: 'not in this test' } : { xda }),
  };
}

/** 1M test rows: copies of the small run's test rows (features, labels, logits), texts numbered. */
function bigTest(run: SyntheticRun): SyntheticRun['test'] {
  const n = run.test.labels.length;
  const K = run.classNames.length;
  const features = new Float32Array(BIG_ROWS * run.dim);
  const labels = new Int32Array(BIG_ROWS);
  const logits = new Float32Array(BIG_ROWS * K);
  const texts: string[] = [];
  for (let r = 0; r < BIG_ROWS; r++) {
    features.set(run.test.features.subarray((r % n) * run.dim, (r % n + 1) * run.dim), r * run.dim);
    labels[r] = run.test.labels[r % n]!;
    logits.set(run.test.logits.subarray((r % n) * K, (r % n + 1) * K), r * K);
    texts.push(`row ${r}`);
  }
  return { features, labels, logits, texts };
}

let small: DashboardServer;
let big: DashboardServer;
let browser: Browser;
const scratch = mkdtempSync(join(tmpdir(), 'dualxda-layout-e2e-'));

beforeAll(async () => {
  const dist = join(scratch, 'dist');
  await buildDashboard(dist);
  const run = createSyntheticRun({ trainRows: 300, testRows: 60, dim: 8, classNames: ['sports', 'business', 'tech', 'world'], seed: 5 });
  run.train.texts = run.train.texts.map((t, r) => `${LONG_RUNS[r % 2]} ${t}`);
  run.test.texts = run.test.texts.map((t, r) => (r % 3 === 0 ? `${LONG_RUNS[0]} ${t}` : t));
  small = await startDashboardServer({ data: dataOf(run, run.test, stubXda), port: 0, assetsDir: dist });
  big = await startDashboardServer({ data: dataOf(run, bigTest(run)), port: 0, assetsDir: dist });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await small?.close();
  await big?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function openPage(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/** How far the document scrolls sideways (0 = not at all). */
const sideways = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const base = (s: DashboardServer): string => s.url.replace(/\/$/, '');

describe.each(VIEWPORTS)('dashboard layout at $name ($width×$height)', (vp) => {
  it('keeps proponent and opponent tables apart, wraps long unbroken text and never scrolls sideways', async () => {
    const { page, errors } = await openPage(vp);
    for (const row of [0, 1, 2, 3, 6, 9]) {
      await page.goto(`${base(small)}/#/test/${row}`);
      // Wait for this row's page, not the previous row's tables still on screen.
      await page.waitForFunction((r) => document.querySelector('[data-testid=test-view] h2')?.textContent?.includes(`#${r} `) === true && document.querySelector('[data-testid=opponents] table') !== null, row);
      expect(await sideways(page), `test ${row} scrolls sideways`).toBeLessThanOrEqual(0);
      const overlap = await page.evaluate(() => {
        const boxes = (sel: string) => Array.from(document.querySelectorAll(sel)).map((e) => e.getBoundingClientRect());
        const opp = document.querySelector('[data-testid=opponents] table')!.getBoundingClientRect();
        const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return boxes('[data-testid=proponents] a').filter((a) => hit(a, opp)).length;
      });
      expect(overlap, `test ${row}: proponent links under the opponents table`).toBe(0);
      // Every snippet stays inside its cell: the long `=====` run wraps.
      const spill = await page.evaluate(() => Array.from(document.querySelectorAll('td.wrap')).filter((td) => td.scrollWidth > td.clientWidth + 1).length);
      expect(spill).toBe(0);
    }
    const [pro, opp] = await Promise.all(['proponents', 'opponents'].map((id) => page.getByTestId(id).boundingBox()));
    if (vp.width >= 1000) expect(opp!.x).toBeGreaterThan(pro!.x + pro!.width - 1);
    else expect(opp!.y).toBeGreaterThanOrEqual(pro!.y + pro!.height - 1);
    expect(await page.getByTestId('logits-legend').textContent()).toMatch(/model .*surrogate/);
    expect(await page.locator('[data-testid=proponents] td.num').first().textContent()).toMatch(/^\+\d/);
    await page.screenshot({ path: join(SHOTS, `test-page-${vp.name}.png`), fullPage: true });
    await page.goto(`${base(small)}/#/train/1`);
    await page.getByTestId('train-view').waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.goto(`${base(small)}/#/`);
    await page.getByTestId('test-row').first().waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `test-list-${vp.name}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps search, filters and the scroll anchor in the URL across reload and Back; one request per typing pause', async () => {
    const { page, errors } = await openPage(vp);
    const searches: string[] = [];
    const sorts: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/tests' && u.searchParams.has('q')) searches.push(u.searchParams.get('q')!);
      if (u.pathname === '/api/tests' && u.searchParams.has('sort')) sorts.push(`${u.searchParams.get('sort')}/${u.searchParams.get('order')}`);
    });
    await page.goto(`${base(small)}/#/`);
    await page.getByTestId('test-row').first().waitFor();
    // Keystroke times as the page saw them: on a loaded machine a gap can exceed the pause, and then
    // that prefix is rightly searched. The contract: no request for a prefix whose next key came
    // within the pause, and exactly one for the final text.
    await page.evaluate(() => {
      const w = window as unknown as { keyTimes: number[] };
      w.keyTimes = [];
      document.addEventListener('keydown', () => w.keyTimes.push(performance.now()), true);
    });
    await page.getByTestId('search').pressSequentially('the', { delay: 40 });
    await page.waitForFunction(() => location.hash.includes('q=the'));
    await page.waitForFunction(() => !document.querySelector('[data-testid=test-total]')?.textContent?.includes('60 '));
    const keyTimes = await page.evaluate(() => (window as unknown as { keyTimes: number[] }).keyTimes);
    expect(keyTimes).toHaveLength(3);
    for (const [i, prefix] of ['t', 'th'].entries()) if (keyTimes[i + 1]! - keyTimes[i]! < SEARCH_DEBOUNCE_MS) expect(searches).not.toContain(prefix);
    expect(searches.filter((q) => q === 'the')).toEqual(['the']);
    expect(searches.at(-1)).toBe('the');
    await page.getByTestId('filter-pred').selectOption({ index: 1 });
    await page.waitForFunction(() => location.hash.includes('pred=0'));
    await page.getByTestId('sort').selectOption('-loss');
    await page.waitForFunction(() => location.hash.includes('sort=-loss'));
    await page.reload();
    await page.getByTestId('test-row').first().waitFor();
    expect(await page.getByTestId('search').inputValue()).toBe('the');
    expect(await page.getByTestId('filter-pred').inputValue()).toBe('0');
    expect(await page.getByTestId('sort').inputValue()).toBe('-loss');
    expect(sorts[0]).toBe('loss/desc');
    const total = await page.getByTestId('test-total').textContent();
    await page.getByTestId('test-row').first().click();
    await page.getByTestId('test-view').waitFor();
    await page.getByTestId('next-test').waitFor();
    await page.goBack();
    await page.getByTestId('test-row').first().waitFor();
    expect(await page.getByTestId('search').inputValue()).toBe('the');
    expect(await page.getByTestId('test-total').textContent()).toBe(total);
    await page.getByTestId('search').fill('no such words zzz');
    await page.getByTestId('empty').waitFor();
    expect(await page.getByTestId('empty').textContent()).toMatch(/^No rows match “no such words zzz”, predicted /);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('browses the training set with search, filters and sort kept in the URL', async () => {
    const { page, errors } = await openPage(vp);
    await page.goto(`${base(small)}/#/`);
    await page.getByTestId('nav-train').click();
    await page.getByTestId('train-row').first().waitFor();
    expect(await page.getByTestId('train-total').textContent()).toContain('300');
    await page.getByTestId('train-filter-sv').check();
    await page.getByTestId('train-sort').selectOption('-self-influence');
    await page.getByTestId('train-search').fill('goal');
    await page.waitForFunction(() => location.hash.startsWith('#/train?') && location.hash.includes('q=goal') && location.hash.includes('sv=1') && location.hash.includes('sort=-self-influence'));
    await page.waitForFunction(() => !document.querySelector('[data-testid=train-total]')?.textContent?.startsWith('300 '));
    const firstRow = await page.getByTestId('train-row').first().locator('.rowid').textContent();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `train-list-${vp.name}.png`) });
    await page.getByTestId('train-row').first().click();
    await page.getByTestId('train-view').waitFor();
    await page.goBack();
    await page.getByTestId('train-row').first().waitFor();
    expect(await page.getByTestId('train-search').inputValue()).toBe('goal');
    expect(await page.getByTestId('train-filter-sv').isChecked()).toBe(true);
    expect(await page.getByTestId('train-row').first().locator('.rowid').textContent()).toBe(firstRow);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('reaches the last of 1,000,000 rows, aligned to the end, and restores the anchor after Back', async () => {
    const { page, errors } = await openPage(vp);
    await page.goto(`${base(big)}/#/`);
    await page.getByTestId('test-row').first().waitFor();
    expect(await page.getByTestId('test-total').textContent()).toContain('1,000,000');
    const list = page.getByTestId('test-list');
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = page.locator(`[data-testid=test-row][data-position="${BIG_ROWS - 1}"]`);
    await last.waitFor();
    expect(await last.locator('.rowid').textContent()).toBe(`#${BIG_ROWS - 1}`);
    const [lb, rb] = [await list.boundingBox(), await last.boundingBox()];
    expect(Math.abs(lb!.y + lb!.height - (rb!.y + rb!.height))).toBeLessThan(3);
    const idFits = await last.locator('.rowid').evaluate((e) => e.scrollWidth <= e.clientWidth);
    expect(idFits).toBe(true);
    await page.screenshot({ path: join(SHOTS, `million-end-${vp.name}.png`) });
    // Anchor: jump to the middle, open a row, come back.
    await page.goto(`${base(big)}/#/?at=762606`);
    const mid = page.locator('[data-testid=test-row][data-position="762606"]');
    await mid.waitFor();
    await mid.click();
    await page.getByTestId('test-view').waitFor();
    await page.goBack();
    await page.locator('[data-testid=test-row][data-position="762606"]').waitFor();
    expect(Number(await list.getAttribute('data-first-row'))).toBe(762_606);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a not-found view, keeps the navigation when /api/summary fails and retries; errors are text', async () => {
    const { page } = await openPage(vp);
    let fail = true;
    await page.route('**/api/summary', (route) => (fail ? route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }) : route.continue()));
    await page.goto(`${base(small)}/#/no/such/page`);
    await page.getByTestId('not-found').waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.goto(`${base(small)}/#/`);
    await page.getByTestId('retry').waitFor();
    const message = (await page.getByTestId('error').textContent())!;
    expect(message).toContain('502 Bad Gateway');
    expect(message).not.toMatch(/Unexpected token/);
    expect(await page.getByTestId('nav-tests').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-global').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, `summary-error-${vp.name}.png`) });
    fail = false;
    await page.getByTestId('retry').click();
    await page.getByTestId('test-row').first().waitFor();
    await page.close();
  }, 60_000);
});
