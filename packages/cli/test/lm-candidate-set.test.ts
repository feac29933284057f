/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the answers it asserts */
/**
 * A candidate-set model of a causal LM end to end after `fit` (issue 14): the tiny
 * `LlamaForCausalLM` of tools/fixtures/model/make-tiny-causal-lm.py (torch, a temp dir), token rows
 * `textId#position` labelled with the next token (K = vocabulary), `fit --classes top:20`. Then
 * the collapse report, `eval` and `serve` (its API, and the built dashboard in Chromium with the XDA
 * worker pool): class names are tokens, labels outside the set are named and counted, nothing
 * mixes candidate indices with vocabulary ids, and the test store's missing logits (a token store
 * keeps none) make the predictions the surrogate's, said so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDualDAModel, openFeatureStore, type CollapseReport, type DualDAModel, type GlobalView, type Summary, type TestDetail, type TestListPage, type TrainDetail, type TrainListPage, type XdaResponse, type ZarrFeatureStore } from '@dualxda/core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir } from '../src/lib/assets.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { getJson } from '../src/serve/test-http.js';
import { createXdaPool, type XdaPool } from '../src/serve/xda-pool.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import { axeViolations, buildDashboard, CHROMIUM_FLAGS, ROOT } from './dashboard-harness.js';
import { run } from './helpers.js';

let dir: string;
let model: string;
let train: ZarrFeatureStore;
let fitted: DualDAModel;
let trainIds: string[];
let rowsDropped: number;

async function slice(split: 'train' | 'test', n: number, chars: number): Promise<void> {
  const lines = (await readFile(join(embeddedCorpusDir(), `${split}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const rows = lines.slice(0, n).map((l, i) => ({ id: `${split.slice(0, 2)}${i}`, text: (JSON.parse(l) as { text: string }).text.slice(0, chars), label: 0 }));
  await writeFile(join(dir, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-lm-candidates-'));
  execFileSync('/usr/bin/python3', [resolve(import.meta.dirname, '../../../tools/fixtures/model/make-tiny-causal-lm.py'), dir], { stdio: 'pipe' });
  model = join(dir, 'tiny-llama-clm');
  await slice('train', 40, 120);
  await slice('test', 3, 80);
  for (const split of ['train', 'test']) {
    const r = await run(['cache', '--model', model, '--data', `${split}.jsonl`, '--out', `lm-${split}`, '--head', 'token', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
  }
  // The run file names the test store and the checkpoint, as `dualxda demo` writes it.
  await writeFile(join(dir, 'lm-train', 'dualxda-run.json'), JSON.stringify({ testStore: join(dir, 'lm-test'), modelDir: model, createdBy: 'test' }));
  const fit = await run(['fit', 'lm-train', '--classes', 'top:20', '--C', '0.1', '--json', '-q'], dir);
  expect(fit.code, fit.stderr).toBe(0);
  rowsDropped = (JSON.parse(fit.stdout) as { candidateClasses: { rowsDropped: number } }).candidateClasses.rowsDropped;
  expect(rowsDropped).toBeGreaterThan(0);
  train = await openFeatureStore(join(dir, 'lm-train'));
  fitted = await loadDualDAModel(join(dir, 'lm-train'));
  trainIds = await train.readIds(0, train.rows);
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** `explain --test` of the test store, the reference for eval's figures. */
async function explained(): Promise<ExplainedPrediction[]> {
  const r = await run(['explain', 'lm-train', '--test', 'lm-test', '--top-k', '5', '--json', '-q'], dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ExplainedPrediction[];
}

describe('a causal-LM candidate-set model after fit', () => {
  it('names store rows in the collapse report (the row of its id), not indices among the kept rows', async () => {
    const report = JSON.parse(await readFile(join(dir, 'lm-train', 'dualda', 'collapse.json'), 'utf8')) as CollapseReport;
    for (const side of ['proponents', 'opponents'] as const) {
      const d = report.diversity![side]!;
      expect(d.top1Id).not.toBeNull();
      expect(trainIds[d.top1Row!]).toBe(d.top1Id);
    }
    const text = await run(['inspect', 'lm-train'], dir);
    const top1 = report.diversity!.proponents.top1Id!;
    expect(text.stdout + text.stderr).toContain(`${top1}, row ${trainIds.indexOf(top1)}:`);
  });

  it('eval: accuracy and identical-class compare store classes, and rows with a gold token outside the set are counted', async () => {
    const preds = await explained();
    const inSet = new Set(fitted.classIds);
    const outside = preds.filter((p) => !inSet.has(p.label)).length;
    const right = preds.filter((p) => p.predictedName === p.labelName).length;
    expect(outside).toBeGreaterThan(0);
    const r = await run(['eval', 'lm-train', '--metric', 'accuracy', '--metric', 'identical-class', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const figures = JSON.parse(r.stdout) as { accuracy: { surrogateAccuracy: number; candidateSet: { outsideGold: number; surrogateAccuracyInside: number } }; 'identical-class': { score: number; top1: number } };
    expect(figures.accuracy.surrogateAccuracy).toBeCloseTo(right / preds.length, 12);
    expect(figures.accuracy.candidateSet).toMatchObject({ classes: 20, outsideGold: outside });
    expect(figures.accuracy.candidateSet.surrogateAccuracyInside).toBeCloseTo(right / (preds.length - outside), 12);
    // Top-1 proponents nearly always carry the explained token (the same as explain's lists).
    const top1 = preds.filter((p) => p.proponents[0]!.labelName === p.predictedName).length / preds.length;
    expect(figures['identical-class'].top1).toBeCloseTo(top1, 12);
    expect(top1).toBeGreaterThan(0.5);
    const human = await run(['eval', 'lm-train', '--metric', 'accuracy'], dir);
    expect(human.stdout).toMatch(new RegExp(`${outside} test rows have a gold label outside the 20 candidate classes`));
  }, 60_000);

  it('eval --model --data --head token --classes caches and fits a candidate-set model itself, with the same figures', async () => {
    const args = ['--metric', 'accuracy', '--json', '-q'];
    const viaStore = await run(['eval', 'lm-train', ...args], dir);
    const direct = await run(['eval', '--model', model, '--data', '.', '--out', 'eval-lm', '--head', 'token', '--classes', 'top:20', '--C', '0.1', ...args], dir);
    expect(direct.code, direct.stderr).toBe(0);
    type Acc = { accuracy: { surrogateAccuracy: number; candidateSet: { classes: number; outsideGold: number } } };
    const [a, b] = [JSON.parse(viaStore.stdout) as Acc, JSON.parse(direct.stdout) as Acc];
    expect(b.accuracy.candidateSet.classes).toBe(20);
    expect(b.accuracy).toEqual(a.accuracy);
    expect((await openFeatureStore(join(dir, 'eval-lm', 'train'))).manifest.head).toBe('token');
    const refused = await run(['eval', 'lm-train', '--head', 'token', '--metric', 'accuracy'], dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--head applies when eval caches --data itself \(no STORE\)/);
  }, 120_000);

  it('eval --metric faithfulness says a token store keeps no logits, and what to use instead', async () => {
    const r = await run(['eval', 'lm-train', '--metric', 'faithfulness', '--model', model], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/lm-train: faithfulness needs the network's logits on the training rows, and a token-head store keeps none[\s\S]*hint: for an LM head use --metric accuracy or identical-class/);
  });
});

describe('serve on a causal-LM candidate-set model', () => {
  let server: DashboardServer;
  let pool: XdaPool;
  const scratch = (): string => join(dir, 'dash');

  beforeAll(async () => {
    pool = await createXdaPool({ size: 1, workerData: { modelDir: model } });
    const dist = await buildDashboard(join(scratch(), 'dist'));
    server = await startDashboardServer({ store: join(dir, 'lm-train'), port: 0, assetsDir: dist, xdaFactory: async () => pool.provider });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await pool?.close();
  });

  it('answers in tokens: model classes, labels outside the set by name, the text around a token row', async () => {
    const preds = await explained();
    const s = (await getJson<Summary>(server.port, '/api/summary')).body;
    const K = fitted.classNames.length;
    expect(s.classNames).toEqual(fitted.classNames);
    expect(s.predictedBy).toBe('surrogate');
    expect(s.testAgreement).toBeNull();
    const inSet = new Set(fitted.classIds);
    expect(s.candidateSet).toEqual({ rule: 'top:20', classIds: fitted.classIds, storeClasses: train.manifest.classNames.length, trainRowsOutside: rowsDropped, testRowsOutside: preds.filter((p) => !inSet.has(p.label)).length });
    for (const [t, p] of preds.entries()) {
      const d = (await getJson<TestDetail>(server.port, `/api/tests/${t}?k=1`)).body;
      expect([d.id, s.labelNames![d.label], s.classNames[d.prediction], d.label >= K]).toEqual([p.id, p.labelName, p.predictedName, !inSet.has(p.label)]);
      expect(d.modelLogits).toEqual([]);
      expect(d.proponents[0]).toMatchObject({ id: p.proponents[0]!.id, label: s.labelNames!.indexOf(p.proponents[0]!.labelName) });
      // `textId#position`: the context's token at `position` is the row's own token.
      expect(d.context!.tokens[d.context!.position]).toBe(d.text);
      expect(d.id.endsWith(`#${d.context!.position}`)).toBe(true);
    }
    // A training row left out of the fit: its token is named, it attributes nothing.
    const labels = await train.readLabels();
    const dropped = Array.from(labels).findIndex((y) => !inSet.has(y));
    const td = (await getJson<TrainDetail>(server.port, `/api/train/${dropped}?k=1`)).body;
    expect([s.labelNames![td.label], td.isSupportVector, td.id]).toEqual([train.manifest.classNames[labels[dropped]!], false, trainIds[dropped]]);
    // Token rows are reachable by id (`textId#position`) from the lists' search.
    const id = trainIds[dropped]!;
    const found = (await getJson<TrainListPage>(server.port, `/api/train?q=${encodeURIComponent(id)}`)).body.items;
    expect(found.map((i) => i.row)).toContain(dropped);
    expect(found.find((i) => i.row === dropped)).toMatchObject({ id, label: td.label, isSupportVector: false });
    // Overview and training pages carry the ids of the rows they list (a token snippet alone says little).
    const global = (await getJson<GlobalView>(server.port, '/api/global?limit=3')).body;
    expect(global.candidates.map((c) => c.id)).toEqual(global.candidates.map((c) => trainIds[c.row]));
    const sv = (await getJson<TrainDetail>(server.port, `/api/train/${global.candidates[0]!.row}?k=2`)).body;
    expect(sv.supports.map((t) => t.id)).toEqual(sv.supports.map((t) => preds[t.row]!.id));
    const testFound = (await getJson<TestListPage>(server.port, `/api/tests?q=${encodeURIComponent(preds[5]!.id)}`)).body.items;
    expect(testFound.map((i) => i.row)).toContain(5);
    // The label filter takes the outside labels too.
    const all = (await getJson<TestListPage>(server.port, '/api/tests?limit=100')).body.items;
    expect(all.map((i) => i.id)).toEqual(preds.map((p) => p.id));
    const outsideLabel = all.find((i) => i.label >= K)!.label;
    const list = (await getJson<TestListPage>(server.port, `/api/tests?label=${outsideLabel}`)).body;
    expect(list.items.map((i) => i.row)).toEqual(all.filter((i) => i.label === outsideLabel).map((i) => i.row));
    expect((await getJson<unknown>(server.port, `/api/tests?label=${s.labelNames!.length}`)).status).toBe(400);
  }, 60_000);

  it('the dashboard shows it in Chromium: overview notes, a token row in its text, its heatmap, a dropped training row', async () => {
    const context = await chromium.launchPersistentContext(join(scratch(), 'profile'), { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true, viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const out = join(ROOT, 'test-output', 'dashboard-lm');
    mkdirSync(out, { recursive: true });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const base = server.url.replace(/\/$/, '');
      const s = (await getJson<Summary>(server.port, '/api/summary')).body;
      await page.goto(`${base}/#/global`);
      await page.getByTestId('candidate-set').waitFor();
      expect(await page.getByTestId('candidate-set').textContent()).toMatch(new RegExp(`^Candidate set top:20: the model predicts 20 of ${s.candidateSet!.storeClasses} store classes\\. ${rowsDropped} training rows`));
      expect(await page.getByTestId('predicted-by-surrogate').textContent()).toMatch(/keeps no network logits/);
      expect(await page.getByTestId('test-agreement').count()).toBe(0);
      const serious = async (): Promise<unknown[]> => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(await serious()).toEqual([]);
      await page.screenshot({ path: join(out, 'global.png'), fullPage: true });

      // The test list shows each token row's id beside its token.
      await page.goto(base);
      await page.getByTestId('test-row').first().waitFor();
      expect(await page.getByTestId('list-id').first().textContent()).toBe('te0#0');
      await page.screenshot({ path: join(out, 'test-list.png') });
      expect(await serious()).toEqual([]);

      // A test row whose gold token is outside the set.
      const row = (await getJson<TestListPage>(server.port, '/api/tests?limit=100')).body.items.find((i) => i.label >= s.classNames.length)!.row;
      const detail = (await getJson<TestDetail>(server.port, `/api/tests/${row}?k=1`)).body;
      await page.goto(`${base}/#/test/${row}`);
      await page.getByTestId('token-context').waitFor();
      expect(await page.getByTestId('token-at').textContent()).toBe(`${detail.text} `);
      expect(await page.getByTestId('true-label').textContent()).toBe(s.labelNames![detail.label]);
      expect(await page.getByTestId('outside-candidates').textContent()).toBe('outside the candidate set');
      expect(await page.getByTestId('logits-legend').textContent()).toMatch(/its logits are not stored/);
      await page.screenshot({ path: join(out, 'test-token-row.png'), fullPage: true });
      expect(await serious()).toEqual([]);

      // The heatmap of the top proponent: both token rows' texts, up to each row's position.
      expect(await page.locator('[data-testid=proponents] .row-id').first().textContent()).toBe(` · ${detail.proponents[0]!.id}`);
      await page.locator('[data-testid=proponents] a.xda-link').first().click();
      await page.getByTestId('xda-budget').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(out, 'xda-token-rows.png'), fullPage: true });
      const pair = (await getJson<XdaResponse>(server.port, `/api/xda?test=${row}&train=${detail.proponents[0]!.row}`)).body;
      await page.getByTestId('xda-words').uncheck();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=heatmap-test] .tok').length === n, pair.test.tokens.length);
      expect(pair.tokenRows).toEqual({ test: { id: detail.id, position: detail.context!.position }, train: { id: detail.proponents[0]!.id, position: Number(detail.proponents[0]!.id.split('#')[1]) } });
      expect(await page.getByTestId('xda-token-rows').textContent()).toMatch(new RegExp(`^token rows ${detail.id} and ${detail.proponents[0]!.id}:`));
      // The row's own token is outlined, on both sides.
      expect(await page.getByTestId('heatmap-test-at').textContent()).toBe(detail.text);
      expect(await page.getByTestId('heatmap-train-at').textContent()).toBe(pair.train.tokens[pair.tokenRows!.train.position]);
      expect(await serious()).toEqual([]);

      const labels = await train.readLabels();
      const inSet = new Set(fitted.classIds);
      const dropped = Array.from(labels).findIndex((y) => !inSet.has(y));
      await page.goto(`${base}/#/train/${dropped}`);
      await page.getByTestId('train-view').waitFor();
      expect(await page.getByTestId('train-label').textContent()).toBe(train.manifest.classNames[labels[dropped]!]);
      expect(await page.getByTestId('outside-candidates').textContent()).toMatch(/outside the candidate set, so left out of the fit/);
      expect(await page.getByTestId('token-context').textContent()).toContain(`token ${trainIds[dropped]!.split('#')[1]} of its text`);
      await page.screenshot({ path: join(out, 'train-outside.png'), fullPage: true });
      expect(await serious()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
