/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the answers it asserts */
/**
 * `cache --max-length N` records N in the run file, and everything that re-embeds texts for that
 * store (xda's forward, explain --text) cuts them the same way: XDA's α·⟨f_test, f_train⟩ from its
 * own forward then equals the DualDA score from the store's features (with XDA's old fixed limit
 * the two differed by 0.4–1.0 here).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XdaPair } from '@dualxda/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import { run } from './helpers.js';

const MAX = 12;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-max-length-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  // Every one of tiny-bert's 3 classes has training rows, so any predicted class has proponents.
  const rows = (n: number, off: number) => lines.slice(off, off + n).map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), label: i % 3 })).join('\n');
  await writeFile(join(dir, 'train.jsonl'), rows(30, 0));
  await writeFile(join(dir, 'test.jsonl'), rows(4, 300));
  for (const split of ['train', 'test']) {
    const r = await run(['cache', '--model', embeddedModelDir('tiny-bert'), '--data', `${split}.jsonl`, '--out', split, '--max-length', String(MAX), '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
  }
  const fit = await run(['fit', 'train', '--C', '0.1', '-q'], dir);
  expect(fit.code, fit.stderr).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cache --max-length is honoured downstream', () => {
  it('is recorded in the run file', async () => {
    expect(JSON.parse(await readFile(join(dir, 'train', 'dualxda-run.json'), 'utf8'))).toMatchObject({ maxLength: MAX });
  });

  it("gives XDA the store's cut: its attribution equals the DualDA score", async () => {
    const ex = await run(['explain', 'train', '--test', 'test', '--top-k', '2', '--json', '-q'], dir);
    expect(ex.code, ex.stderr).toBe(0);
    const target = (JSON.parse(ex.stdout) as ExplainedPrediction[]).find((p) => p.proponents.length > 0)!;
    const xda = await run(['xda', 'train', '--test-store', 'test', '--test', target.id, '--json', '-q'], dir);
    expect(xda.code, xda.stderr).toBe(0);
    const top = (JSON.parse(xda.stdout) as { kind: string; train: { id: string }; pair: XdaPair }[]).find((p) => p.kind === 'proponent')!;
    expect(top.train.id).toBe(target.proponents[0]!.id);
    const score = target.proponents[0]!.score;
    expect(Math.abs(top.pair.attribution - score)).toBeLessThan(1e-3 * Math.abs(score) + 1e-6);
    // The heatmaps cover the cut text: at most MAX tokens per side.
    expect(top.pair.test.tokens.length).toBeLessThanOrEqual(MAX);
  }, 120_000);

  it('embeds a typed text with the same cut: a test text typed gets its stored explanation', async () => {
    const texts = (await readFile(join(dir, 'test.jsonl'), 'utf8')).split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const [fromStore, typed] = await Promise.all([
      run(['explain', 'train', '--test', 'test', '--limit', '1', '--top-k', '3', '--json', '-q'], dir),
      run(['explain', 'train', '--text', texts[0]!, '--top-k', '3', '--json', '-q'], dir),
    ]);
    expect(fromStore.code, fromStore.stderr).toBe(0);
    expect(typed.code, typed.stderr).toBe(0);
    const [a, b] = [(JSON.parse(fromStore.stdout) as ExplainedPrediction[])[0]!, (JSON.parse(typed.stdout) as ExplainedPrediction[])[0]!];
    expect(b.proponents.map((p) => p.id)).toEqual(a.proponents.map((p) => p.id));
    b.proponents.forEach((p, i) => expect(p.score).toBeCloseTo(a.proponents[i]!.score, 5));
  }, 120_000);
});
