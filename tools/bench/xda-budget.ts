/**
 * XDA budget on the demo pairs: how much of each pair's DualDA attribution the tokens of each side
 * carry (tokenSum / attribution, `budgetShares` of @dualxda/xda), in `per-position` and `word` mode.
 * The pairs are the demo's: the test e-mails `dualxda demo` shows (one per predicted class first,
 * then in order; commands/demo `pickExamples`) with their top proponent and top opponent, or, with
 * `--tests N`, the first N test rows.
 *
 * Run from the repo root after `npm start` (which writes .dualxda/demo):
 *   node --conditions=@dualxda/source --import tsx tools/bench/xda-budget.ts [--store .dualxda/demo/train] [--examples 3 | --tests N] [--backend wasm]
 *
 * Prints one JSON line: per mode the median |share| per side, the range, how many sides carry under
 * half of the attribution or the opposite sign, and the per-pair shares.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { explain, loadDualDAModel, openFeatureStore } from '@dualxda/core';
import { encodeTexts, loadCheckpoint } from '@dualxda/llm-adapter';
import { budgetShares, createXdaModel, explainTopK, useXdaBackend } from '@dualxda/xda';
import type { ModelInput, RelevanceMode, XdaBackend } from '@dualxda/xda';
import { printBenchJson } from '../src/index.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

const storePath = resolve(arg('store', '.dualxda/demo/train'));
const run = JSON.parse(readFileSync(resolve(storePath, 'dualxda-run.json'), 'utf8')) as { testStore: string; modelDir: string };
const dualda = await loadDualDAModel(storePath);
const [train, test] = await Promise.all([openFeatureStore(storePath), openFeatureStore(resolve(storePath, run.testStore))]);
const K = dualda.classNames.length;
const firstN = Number(arg('tests', '0'));
const scan = Math.min(test.rows, firstN > 0 ? firstN : 200);
const block = await test.readRows(0, scan);
const logits = await test.readLogits(0, scan);
const targets = Int32Array.from({ length: scan }, (_, t) => {
  const row = Array.from(logits.subarray(t * K, (t + 1) * K));
  return row.indexOf(Math.max(...row));
});
const result = explain(dualda, { data: block.features, shape: [scan, test.dim] }, { topK: 1, targets });

// The demo's picks: one test row per predicted class first, then rows in order (pickExamples).
const usable = result.rows.map((r, t) => ({ r, t })).filter(({ r }) => r.proponents.length > 0);
let picked = usable;
if (firstN <= 0) {
  const n = Number(arg('examples', '3'));
  const seen = new Set<number>();
  picked = [];
  for (const u of usable) {
    if (picked.length < n && !seen.has(u.r.target)) {
      seen.add(u.r.target);
      picked.push(u);
    }
  }
  for (const u of usable) if (picked.length < n && !picked.includes(u)) picked.push(u);
}

const ckpt = await loadCheckpoint(resolve(storePath, run.modelDir));
await useXdaBackend(arg('backend', 'wasm') as XdaBackend);
const model = createXdaModel(ckpt.weights, ckpt.config);
const maxLength = Math.min(128, ckpt.maxPositions, model.maxPositions);
const input = (text: string): ModelInput => ({ ids: encodeTexts(ckpt.tokenizer, [text], maxLength).ids[0] as number[] });
const svPos = new Map(Array.from(dualda.svIndices, (row, j) => [row, j]));
const alphaOf = (row: number, c: number) => dualda.svAlpha[(svPos.get(row) as number) * K + c] as number;
const testTexts = await test.readTexts(0, scan);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

const modes: Record<string, unknown> = {};
for (const mode of ['per-position', 'word'] as RelevanceMode[]) {
  const pairs: { test: string; train: string; kind: string; attribution: number; test_share: number | null; train_share: number | null }[] = [];
  for (const { r, t } of picked) {
    const rows = [...r.proponents.slice(0, 1).map((a) => ({ ...a, kind: 'proponent' })), ...r.opponents.slice(0, 1).map((a) => ({ ...a, kind: 'opponent' }))];
    const texts = await train.gatherTexts(rows.map((a) => a.index));
    const out = explainTopK(model, input(testTexts[t] ?? ''), texts.map(input), { alphas: rows.map((a) => alphaOf(a.index, r.target)), mode });
    out.forEach((p, i) => {
      const s = budgetShares(p);
      const row = rows[i] as { id: string; kind: string };
      pairs.push({ test: block.ids[t] as string, train: row.id, kind: row.kind, attribution: p.attribution, test_share: s.test, train_share: s.train });
    });
  }
  const side = (k: 'test_share' | 'train_share') => pairs.map((p) => p[k]).filter((v): v is number => v !== null);
  const summary = (k: 'test_share' | 'train_share') => ({
    median_abs_share: median(side(k).map(Math.abs)),
    min_share: Math.min(...side(k)),
    max_share: Math.max(...side(k)),
    under_half_or_opposite: side(k).filter((v) => v < 0.5).length,
  });
  modes[mode] = { test: summary('test_share'), train: summary('train_share'), pairs };
}
model.dispose();
printBenchJson('xda-budget', { store: storePath, pairs: picked.length * 2, ...modes });
