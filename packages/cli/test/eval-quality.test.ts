import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAuprc, buildFeatureStore, mulberry32 } from '@dualxda/core';
import { encodeTexts, loadCheckpoint } from '@dualxda/llm-adapter';
import { createXdaModel, explainTopK, extractFeatures, useXdaBackend, type ModelInput } from '@dualxda/xda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { run } from './helpers.js';

/**
 * The explanation-quality metrics of `dualxda eval` (issue 13, item 4): identical-class/-subclass
 * on constructed feature stores whose answer is known, and the planted-defect metrics and the XDA
 * deletion check end to end on the embedded tiny-bert.
 */
let dir: string;
const model = embeddedModelDir('tiny-bert');
const GROUPS = ['a-1', 'a-2', 'b-1', 'b-2'] as const;

/**
 * Features [class0, class1, a-1, a-2, b-1, b-2]: each row has its class direction (1) plus a strong
 * group direction (3), so the largest kernels are with rows of the same group. With a tiny C every
 * row is a support vector at the bound (α[i, y_i] = C), so the top-5 proponents of a test row are
 * rows of its own group.
 */
async function groupStore(path: string, perGroup: number, idOf: (g: number, j: number) => string, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const rows = perGroup * GROUPS.length;
  const features = new Float32Array(rows * 6);
  const labels = new Int32Array(rows);
  const ids: string[] = [];
  for (let g = 0; g < GROUPS.length; g++) {
    for (let j = 0; j < perGroup; j++) {
      const r = g * perGroup + j;
      labels[r] = g < 2 ? 0 : 1;
      for (let c = 0; c < 6; c++) features[r * 6 + c] = 0.05 * (rand() - 0.5);
      features[r * 6 + labels[r]!] = 1 + features[r * 6 + labels[r]!]!;
      features[r * 6 + 2 + g] = 3 + features[r * 6 + 2 + g]!;
      ids.push(idOf(g, j));
    }
  }
  await buildFeatureStore(path, { rows, dim: 6, classNames: ['a', 'b'] }, () => [{ features, labels, ids }]);
}

async function corpus(split: 'train' | 'test', n: number, extra: (i: number) => Record<string, unknown>): Promise<void> {
  const lines = (await readFile(join(embeddedCorpusDir(), `${split}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const step = Math.floor(lines.length / n);
  const rows = Array.from({ length: n }, (_, i) => ({ ...(JSON.parse(lines[i * step]!) as object), label: i % 3, ...extra(i) }));
  await writeFile(join(dir, 'corpus', `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-eval-quality-'));
  await groupStore(join(dir, 'groups'), 10, (g, j) => `${GROUPS[g]}/${j}`, 1);
  await groupStore(join(dir, 'groups-test'), 2, (g, j) => `${GROUPS[g]}/t${j}`, 2);
  // The same test rows, but each claims the sibling group of its class (a-1 <-> a-2, b-1 <-> b-2).
  await groupStore(join(dir, 'groups-swapped'), 2, (g, j) => `${GROUPS[g ^ 1]}/t${j}`, 2);
  await mkdir(join(dir, 'corpus'));
  await corpus('train', 30, (i) => ({ corrupted: i % 10 === 3, shortcut: i % 3 === 1 && i % 2 === 0 }));
  await corpus('test', 6, (i) => ({ shortcut: i % 3 !== 1 }));
  await writeFile(join(dir, 'poison.json'), JSON.stringify({ token: 'xqzv', fraction: 0.2, seed: 1, class: 'class_b' }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('identical-class and identical-subclass on stores with a known answer', () => {
  it('finds the own group when the features encode it, and reports 0 when the test ids claim the sibling group', async () => {
    const fit = await run(['fit', 'groups', '--C', '1e-4', '-q'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    type Agreement = { score: number; top1: number; chance: number; k: number; testRows: number; perGroup?: Record<string, { rows: number; score: number }> };
    const own = await run(['eval', 'groups', '--test', 'groups-test', '-m', 'identical-class', '-m', 'identical-subclass', '--json', '-q'], dir);
    expect(own.code, own.stderr).toBe(0);
    const a = JSON.parse(own.stdout) as Record<'identical-class' | 'identical-subclass', Agreement>;
    expect(a['identical-class']).toMatchObject({ testRows: 8, k: 5, score: 1, top1: 1, chance: 0.5 });
    expect(a['identical-subclass']).toMatchObject({ score: 1, top1: 1, chance: 0.5 });
    expect(a['identical-subclass'].perGroup).toEqual(Object.fromEntries(GROUPS.map((g) => [g, { rows: 2, score: 1 }])));
    const swapped = await run(['eval', 'groups', '--test', 'groups-swapped', '-m', 'identical-class', '-m', 'identical-subclass', '--json', '-q'], dir);
    const b = JSON.parse(swapped.stdout) as Record<'identical-class' | 'identical-subclass', Agreement>;
    expect(b['identical-class'].score).toBe(1);
    expect(b['identical-subclass']).toMatchObject({ score: 0, top1: 0 });
    // --top-k 15 reaches past the 10 rows of the own group into the sibling group: 10/15.
    const wide = await run(['eval', 'groups', '--test', 'groups-test', '-m', 'identical-subclass', '-k', '15', '--json', '-q'], dir);
    expect((JSON.parse(wide.stdout) as Record<string, Agreement>)['identical-subclass'].score).toBeCloseTo(10 / 15, 12);
  });

  it('says when ids carry no group', async () => {
    await buildFeatureStore(join(dir, 'plain'), { rows: 4, dim: 2, classNames: ['a', 'b'] }, () => [{ features: Float32Array.from([1, 0, 0, 1, 1, 0.1, 0.1, 1]), labels: [0, 1, 0, 1], ids: ['r0', 'r1', 'r2', 'r3'] }]);
    expect((await run(['fit', 'plain', '-q'], dir)).code).toBe(0);
    const r = await run(['eval', 'plain', '--test', 'plain', '-m', 'identical-subclass'], dir);
    expect(r.code).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(/identical-subclass needs corpus groups[\s\S]*hint: ids such as spam-2\/01070/);
  });
});

describe('planted-defect metrics and xda-deletion on tiny-bert', () => {
  it('caches and fits --data itself, then ranks the flipped rows by self-influence exactly as `self-influence` lists them', async () => {
    const r = await run(['eval', '--model', model, '--data', 'corpus', '--out', 'tiny', '--C', '0.1', '-m', 'mislabeling', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const m = (JSON.parse(r.stdout) as { mislabeling: { trainRows: number; corrupted: number; auprc: number; randomAuprc: number; auc: number } }).mislabeling;
    expect(m).toMatchObject({ trainRows: 30, corrupted: 3, randomAuprc: 0.1 });
    // Independent AUPRC from the self-influence listing of every row (ids carry the flags).
    const si = await run(['eval', 'tiny/train', '-m', 'self-influence', '-k', '30', '--json', '-q'], dir);
    const rows = (JSON.parse(si.stdout) as { 'self-influence': { id: string; score: number }[] })['self-influence'];
    const flags = new Map((await readFile(join(dir, 'corpus', 'train.jsonl'), 'utf8')).split('\n').map((l) => JSON.parse(l) as { id: string; corrupted: boolean }).map((x) => [x.id, x.corrupted]));
    // Rows missing from the listing (not support vectors) have self-influence 0.
    const scores = [...flags.keys()].map((id) => rows.find((x) => x.id === id)?.score ?? 0);
    expect(m.auprc).toBeCloseTo(binaryAuprc(scores, [...flags.values()]), 12);
  });

  it('shortcut: reads the planted rows and the class from poison.json; errors name the missing inputs', async () => {
    const r = await run(['eval', 'tiny/train', '--data', 'corpus', '-m', 'shortcut', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = (JSON.parse(r.stdout) as { shortcut: { shortcutClass: string; markedTrain: number; markedTest: number; flipped: number; score: number; randomAuprc: number } }).shortcut;
    // Planted: train rows i % 6 === 4 (5 of 30); test rows i % 3 !== 1 whose label (i % 3) is not class_b (1): 4.
    expect(s).toMatchObject({ shortcutClass: 'class_b', markedTrain: 5, markedTest: 4, randomAuprc: 5 / 30 });
    expect(s.flipped).toBeLessThanOrEqual(4);
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(1);
    const noData = await run(['eval', 'tiny/train', '-m', 'mislabeling'], dir);
    expect(noData.code).toBe(EXIT_CODES.usage);
    expect(noData.stderr).toMatch(/--metric mislabeling needs the flipped-label flags .*: pass --data DIR/);
    const badClass = await run(['eval', 'tiny/train', '--data', 'corpus', '-m', 'shortcut', '--shortcut-class', 'nope'], dir);
    expect(badClass.code).toBe(EXIT_CODES.input);
    expect(badClass.stderr).toMatch(/shortcut class 'nope' is not one of the model's classes \(class_a, class_b, class_c\)/);
  });

  it('xda-deletion: curves per side, the XDA kernel matches DualDA, deleting every token gives the same drop in both orders', async () => {
    const r = await run(['eval', 'tiny/train', '-m', 'xda-deletion', '--rows', '3', '--ks', '1,2,500', '--draws', '2', '--opponents', '--xda-backend', 'cpu', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    type Side = { cases: number; saturated: number[]; relevance: { mean: number[]; area: number }; random: { mean: number[]; area: number }; areaDifference: number };
    const x = (JSON.parse(r.stdout) as { 'xda-deletion': { testRows: number; pairs: number; mode: string; ks: number[]; test: Side; train: Side; pairDetails: { test: string; train: string; kind: string; attribution: number; score: number; drop: { test: { relevance: number[]; random: number[] } } }[] } })['xda-deletion'];
    expect(x).toMatchObject({ testRows: 3, mode: 'per-position', ks: [1, 2, 500] });
    expect(x.pairDetails.map((p) => p.kind)).toContain('opponent');
    expect(x.pairs).toBe(x.pairDetails.length);
    for (const side of [x.test, x.train]) {
      expect(side.cases).toBe(x.pairs);
      expect(side.saturated[2]).toBe(x.pairs);
      expect(side.relevance.mean[2]).toBeCloseTo(side.random.mean[2]!, 9);
      expect(side.areaDifference).toBeCloseTo(side.relevance.area - side.random.area, 12);
    }
    for (const p of x.pairDetails) expect(Math.abs(p.attribution - p.score)).toBeLessThan(1e-3 * Math.abs(p.score) + 1e-6);
    // Independent k = 1 drop of the first pair's test side, straight from @dualxda/xda.
    const first = x.pairDetails[0]!;
    const texts = new Map<string, string>();
    for (const split of ['train', 'test']) {
      for (const l of (await readFile(join(dir, 'corpus', `${split}.jsonl`), 'utf8')).split('\n')) texts.set((JSON.parse(l) as { id: string }).id, (JSON.parse(l) as { text: string }).text);
    }
    const ckpt = await loadCheckpoint(model);
    await useXdaBackend('cpu');
    const xm = createXdaModel(ckpt.weights, ckpt.config);
    const enc = (id: string): ModelInput => ({ ids: encodeTexts(ckpt.tokenizer, [texts.get(id)!], Math.min(128, ckpt.maxPositions)).ids[0]! });
    const [testIn, trainIn] = [enc(first.test), enc(first.train)];
    const [fTest, fTrain] = extractFeatures(xm, [testIn, trainIn]) as [Float32Array, Float32Array];
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, q) => acc + v * b[q]!, 0);
    const alpha = first.attribution / dot(fTest, fTrain);
    const rel = explainTopK(xm, testIn, [trainIn], { alphas: [alpha] })[0]!.test!.relevance;
    const special = new Set(ckpt.tokenizer.all_special_ids);
    const top = testIn.ids.map((_, q) => q).filter((q) => !special.has(testIn.ids[q]!)).sort((a, b) => Math.sign(alpha * dot(fTest, fTrain)) * (rel[b]! - rel[a]!) || a - b)[0]!;
    const [fWithout] = extractFeatures(xm, [{ ids: testIn.ids.filter((_, q) => q !== top) }]) as [Float32Array];
    expect(first.drop.test.relevance[0]).toBeCloseTo(1 - (alpha * dot(fWithout, fTrain)) / first.attribution, 6);
    xm.dispose();
    const text = await run(['eval', 'tiny/train', '-m', 'xda-deletion', '--rows', '1', '--ks', '1', '--draws', '1', '--xda-backend', 'cpu', '-q'], dir);
    expect(text.stdout).toMatch(/xda-deletion over 1 pairs of 1 sampled test rows \(per-position heatmaps, tokens removed/);
    expect(text.stdout).toMatch(/test side, relevance[\s\S]*train side, random/);
  });
});
