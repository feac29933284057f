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
import { axeViolations, buildDashboard, CHROMIUM_FLAGS, ROOT } from './dashboard-harness.js';
import { createMemoryTestSource, createMemoryTrainSource } from '../src/serve/memory-store.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { createSyntheticRun, type SyntheticRun } from '../src/serve/synthetic-data.js';
import type { DashboardData, TextEmbedder, XdaProvider } from '../src/serve/types.js';

/** The list's search pause (SEARCH_DEBOUNCE_MS of apps/dashboard/src/views/use-list-url.ts). */
const SEARCH_DEBOUNCE_MS = 250;

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const VIEWPORTS = [
  { name: 'desktop', width: 1400, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const BIG_ROWS = 1_000_000;
const LONG_RUNS = ['='.repeat(300), `Subject:${'=?iso-2022-jp?B?GyRCJEgkSiQ/GyhC?='.repeat(8)}`];

/** Tokens the stub heatmaps keep per text: fewer than most texts have, so the truncation marker shows. */
const STUB_TOKENS = 8;

/** A stub heatmap provider (the layout, not XDA's numbers, is under test here). */
const stubXda: XdaProvider = async ({ testText, trainText, alpha }) => {
  const side = (s: string) => ({ tokens: s.split(/\s+/).slice(0, STUB_TOKENS), scores: s.split(/\s+/).slice(0, STUB_TOKENS).map((_, i) => alpha * (i % 2 === 0 ? 1 : -0.5)) });
  const budget = { tokenSum: 0, share: 1, absorbed: { positionEmbeddings: 0, softmax: 0, normalisation: 0, biases: 0, stabiliser: 0 }, residual: 0 };
  return { method: 'layout-stub', mode: 'per-position', test: side(testText), train: side(trainText), kernel: 1, attribution: alpha, decomposes: 'attribution', explained: alpha, budget: { test: budget, train: budget }, notes: [] };
};

/**
 * A stub embedder: a typed test text gets that row's features, any other text a fixed mix of two
 * rows (the page's plumbing is under test; serve-text.test.ts checks the real checkpoint).
 */
function stubEmbed(run: SyntheticRun): TextEmbedder {
  const { dim, test } = run;
  const row = (r: number) => test.features.subarray(r * dim, (r + 1) * dim);
  return async (text) => {
    const r = test.texts.indexOf(text);
    const features = r >= 0 ? row(r).slice() : row(0).map((v, i) => 0.5 * (v + row(1)[i]!));
    return { features, logits: null, truncated: text.length > 200 };
  };
}

function dataOf(run: SyntheticRun, test: SyntheticRun['test'], xda?: XdaProvider): DashboardData {
  const { dim, classNames, train, solution } = run;
  return {
    ...(xda === undefined ? {} : { embedText: stubEmbed(run) }),
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
  // bypassCSP: axe is injected as an inline script, which the server's Content-Security-Policy forbids.
  const page = await browser.newPage({ viewport, bypassCSP: true });
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

  it('explains a typed text with live heatmaps; text, class, pair and display live in the URL', async () => {
    const { page, errors } = await openPage(vp);
    const typed = 'week today new league team says goal a match #1';
    await page.goto(`${base(small)}/#/`);
    await page.getByTestId('nav-text').click();
    await page.getByTestId('text-input').fill(typed);
    await page.getByTestId('text-submit').click();
    await page.waitForFunction(() => location.hash.startsWith('#/text?t='));
    await page.getByTestId('text-result').waitFor();
    // The typed text is test row 1's: the same top proponents as that row's page.
    const ranked = async (id: string) => page.locator(`[data-testid=${id}] tbody tr td.wrap a`).allTextContents();
    const typedPros = await ranked('text-proponents');
    expect(typedPros.length).toBeGreaterThan(0);
    // Live heatmaps of the top proponent, below the tables.
    await page.locator('[data-testid=text-xda] [data-testid=heatmap-test] .tok').first().waitFor();
    expect(await page.locator('[data-testid=text-xda] h3').first().textContent()).toMatch(/your text ↔ training #\d+/);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `text-${vp.name}.png`), fullPage: true });
    // Another pair from the opponents table, then wordpieces and own scales: all in the URL.
    const opp = page.locator('[data-testid=text-opponents] a.xda-link').first();
    const oppRow = (await opp.getAttribute('href'))!.match(/pair=(\d+)/)![1]!;
    await opp.click();
    await page.waitForFunction((r) => location.hash.includes(`pair=${r}`), oppRow);
    await page.locator('[data-testid=text-xda] h3', { hasText: `training #${oppRow}` }).waitFor();
    await page.getByTestId('xda-words').uncheck();
    await page.getByTestId('xda-shared-scale').uncheck();
    await page.waitForFunction(() => location.hash.includes('tokens=1') && location.hash.includes('own=1'));
    await page.reload();
    await page.getByTestId('text-result').waitFor();
    expect(await page.getByTestId('text-input').inputValue()).toBe(typed);
    await page.getByTestId('xda-legend-test').waitFor();
    expect(await page.getByTestId('xda-words').isChecked()).toBe(false);
    expect(await page.locator('[data-testid=text-xda] h3').first().textContent()).toContain(`training #${oppRow}`);
    expect(await ranked('text-proponents')).toEqual(typedPros);
    await page.goto(`${base(small)}/#/test/1`);
    await page.locator('[data-testid=proponents] tbody tr').first().waitFor();
    expect(await ranked('proponents')).toEqual(typedPros);
    // A long text: the page says the model saw only its beginning.
    await page.goto(`${base(small)}/#/text?t=${encodeURIComponent('free prize '.repeat(30))}`);
    await page.getByTestId('text-truncated').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('keeps the heatmap display in the URL and marks a text the model saw only in part', async () => {
    const { page, errors } = await openPage(vp);
    await page.goto(`${base(small)}/#/test/2`);
    const link = page.locator('[data-testid=proponents] a.xda-link').first();
    await link.click();
    await page.getByTestId('xda-budget').waitFor();
    // A 300-character token (`=====…`) wraps inside its heatmap.
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    // The stub keeps the first few tokens: the marker says how many and how much of the text that was.
    const note = await page.getByTestId('heatmap-train-truncated').textContent();
    expect(note).toMatch(new RegExp(`cut after ${STUB_TOKENS} tokens, the model's limit: it saw about \\d+% of the text`));
    expect(await page.locator('[data-testid=heatmap-train] .cut-marker').count()).toBe(1);
    await page.getByTestId('xda-shared-scale').uncheck();
    await page.waitForFunction(() => location.hash.includes('own=1'));
    await page.getByTestId('xda-legend-train').waitFor();
    await page.reload();
    await page.getByTestId('xda-legend-train').waitFor();
    expect(await page.getByTestId('xda-shared-scale').isChecked()).toBe(false);
    expect(await page.getByTestId('xda-words').isChecked()).toBe(true);
    await page.goBack();
    await page.locator('[data-testid=proponents] tbody tr').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('moves between rows with the arrow keys, Page Down, End and Home, at a million rows', async () => {
    const { page, errors } = await openPage(vp);
    await page.goto(`${base(big)}/#/`);
    const focused = () => page.evaluate(() => Number(document.activeElement?.closest('[data-index]')?.getAttribute('data-index') ?? -1));
    await page.locator('[data-testid=test-row][data-position="0"]').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(3);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(2);
    await page.keyboard.press('PageDown');
    const paged = await focused();
    expect(paged).toBeGreaterThan(4);
    // The focused row is in view, whole.
    const inView = async () => {
      const [l, r] = [await page.getByTestId('test-list').boundingBox(), await page.locator(`[data-index="${await focused()}"]`).boundingBox()];
      return r!.y >= l!.y - 1 && r!.y + r!.height <= l!.y + l!.height + 1;
    };
    expect(await inView()).toBe(true);
    await page.keyboard.press('End');
    await page.waitForFunction((n) => Number(document.activeElement?.closest('[data-index]')?.getAttribute('data-index')) === n, BIG_ROWS - 1);
    expect(await inView()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(BIG_ROWS - 2);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => Number(document.activeElement?.closest('[data-index]')?.getAttribute('data-index')) === 0);
    // Enter opens the focused row.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('test-view').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('#/test/1');
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
