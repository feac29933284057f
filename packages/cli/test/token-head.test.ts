/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the answers it asserts */
/**
 * Token classification end to end on a `BertForTokenClassification`-style checkpoint without a
 * pooler and without onnx/ (tiny-bert's weights minus `bert.pooler.*`, made at test time): per-word
 * gold labels, `textId#position` row ids, `explain --text` per token, token-row XDA in `xda` and
 * serve's `/api/xda` (kernel = ⟨h_test[p], h_train[q]⟩ of the stored rows).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFeatureStore, type Summary, type XdaResponse } from '@dualxda/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignTokenLabels, loadTokenizer } from '@dualxda/llm-adapter';
import { embeddedModelDir } from '../src/lib/assets.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { startDashboardServer } from '../src/serve/server.js';
import { getJson } from '../src/serve/test-http.js';
import { createXdaPool } from '../src/serve/xda-pool.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import type { XdaPairReport } from '../src/commands/xda/index.js';
import { run } from './helpers.js';

let dir: string;
let ckpt: string;

/** tiny-bert as a token classifier: config says *ForTokenClassification, no pooler tensors, no onnx/. */
async function makeTokenClassifier(to: string): Promise<void> {
  const from = embeddedModelDir('tiny-bert');
  await cp(from, to, { recursive: true, filter: (src) => !src.includes(`${from}/onnx`) });
  const config = JSON.parse(await readFile(join(to, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(to, 'config.json'), JSON.stringify({ ...config, architectures: ['BertForTokenClassification'] }));
  const buf = await readFile(join(to, 'model.safetensors'));
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const kept: Record<string, unknown> = {};
  const parts: Buffer[] = [];
  let at = 0;
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') kept[name] = t;
    if (name === '__metadata__' || name.startsWith('bert.pooler.')) continue;
    const bytes = buf.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    kept[name] = { ...t, data_offsets: [at, at + bytes.length] };
    parts.push(bytes);
    at += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(kept));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  await writeFile(join(to, 'model.safetensors'), Buffer.concat([len, json, ...parts]));
}

const TRAIN = [
  ['a', 'free money now', [1, 1, 0]],
  ['b', 'meeting at noon today', [0, 0, 2, 2]],
  ['c', 'win a prize', [1, 0, 1]],
  ['d', 'see you tomorrow', [0, 0, 2]],
  ['e', 'claim cash reward', [1, 1, 1]],
  ['f', 'lunch on friday', [0, 0, 2]],
  ['g', 'unbelievable offer', [1, 1]],
  ['h', 'call me later', [0, 0, 2]],
] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-token-head-'));
  ckpt = join(dir, 'tok-bert');
  await makeTokenClassifier(ckpt);
  await writeFile(join(dir, 'train.jsonl'), TRAIN.map(([id, text, label]) => JSON.stringify({ id, text, label })).join('\n'));
  await writeFile(join(dir, 'test.jsonl'), [JSON.stringify({ id: 't0', text: 'free prize today', label: [1, 1, 2] }), JSON.stringify({ id: 't1', text: 'see you at noon', label: 0 })].join('\n'));
  for (const argv of [
    ['cache', '--model', ckpt, '--data', 'train.jsonl', '--out', 'train', '--head', 'token', '-q'],
    ['cache', '--model', ckpt, '--data', 'test.jsonl', '--out', 'test', '--head', 'token', '-q'],
    ['fit', 'train', '--C', '0.1', '-q'],
  ]) {
    const r = await run(argv, dir);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('token classification on a BERT without pooler (built-in forward)', () => {
  it('stores one row per token with id textId#position and the word labels aligned to word pieces', async () => {
    const store = await openFeatureStore(join(dir, 'train'));
    expect(store.manifest.head).toBe('token');
    const texts = await store.readTexts(0, store.rows);
    const ids = await store.readIds(0, store.rows);
    const labels = await store.readLabels();
    const g = ids.indexOf('g#0');
    // 'unbelievable offer' (both words class 1): [CLS] and [SEP] take their nearest word's label.
    const gRows = ids.map((id, i) => [id, i] as const).filter(([id]) => id.startsWith('g#')).map(([, i]) => i);
    expect(gRows[0]).toBe(g);
    expect(texts[g]).toBe('[CLS]');
    expect(gRows.map((i) => labels[i])).toEqual(gRows.map(() => 1));
    // 'meeting at noon today' = [0, 0, 2, 2]: every piece of a word carries its label.
    const bRows = ids.map((id, i) => [id, i] as const).filter(([id]) => id.startsWith('b#')).map(([, i]) => i);
    const tok = await loadTokenizer(ckpt);
    expect(bRows.map((i) => labels[i])).toEqual(alignTokenLabels(tok, 'meeting at noon today', [0, 0, 2, 2], bRows.length, { row: 1, id: 'b' }));
    expect(labels[bRows[0]!]).toBe(0);
    expect(labels[bRows.at(-1)!]).toBe(2);
  });

  it('a label list of the wrong length is an input error naming the file, row, id and field', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"id":"x","text":"one two","label":0}\n{"id":"y","text":"one two three","label":[0,1]}\n');
    const r = await run(['cache', '--model', ckpt, '--data', 'bad.jsonl', '--out', 'bad', '--head', 'token', '-q'], dir);
    expect(r.code).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(/bad\.jsonl: field 'label' row 1 \(id y\): 2 labels fit neither the 3 whitespace-separated words nor the \d+ tokens/);
  });

  it('explain --text on a token store explains every token with the token head\'s prediction', async () => {
    const r = await run(['explain', 'train', '--text', 'free prize today', '--top-k', '2', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const preds = JSON.parse(r.stdout) as ExplainedPrediction[];
    expect(preds.length).toBeGreaterThan(3);
    expect(preds.map((p) => p.id)).toEqual(preds.map((_, i) => `text-0#${i}`));
    expect(preds[0]).toMatchObject({ text: '[CLS]', context: 'free prize today', predictedBy: 'model' });
    expect(preds[1]!.proponents[0]!.id).toMatch(/^[a-h]#\d+$/);
    const human = await run(['explain', 'train', '--text', 'free prize today', '--top-k', '1', '-q'], dir);
    expect(human.stdout).toMatch(/test text-0#1: predicted \w+ by the model\n {2}token "free" of "free prize today"/);
  });

  it('explain --test FILE on a token store aligns per-word gold labels to the test tokens', async () => {
    const r = await run(['explain', 'train', '--test', 'test.jsonl', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const preds = JSON.parse(r.stdout) as ExplainedPrediction[];
    const t0 = preds.filter((p) => p.id.startsWith('t0#'));
    const tok = await loadTokenizer(ckpt);
    expect(t0.map((p) => p.label)).toEqual(alignTokenLabels(tok, 'free prize today', [1, 1, 2], t0.length, { row: 0, id: 't0' }));
    expect([t0[0]!.label, t0.at(-1)!.label]).toEqual([1, 2]);
    expect(preds.filter((p) => p.id.startsWith('t1#')).every((p) => p.label === 0)).toBe(true);
  });

  it('xda explains a pair of token rows reached by id: kernel = <stored test row, stored train row>', async () => {
    const test = await openFeatureStore(join(dir, 'test'));
    const train = await openFeatureStore(join(dir, 'train'));
    const r = await run(['xda', 'train', '--test-store', 'test', '--test', 't0#2', '--train', 'c#3', '--json', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const [pair] = JSON.parse(r.stdout) as XdaPairReport[];
    const tRow = (await test.readIds(0, test.rows)).indexOf('t0#2');
    const iRow = (await train.readIds(0, train.rows)).indexOf('c#3');
    const [ft, fi] = [(await test.readRows(tRow, tRow + 1)).features, (await train.readRows(iRow, iRow + 1)).features];
    const dot = ft.reduce((s, v, k) => s + v * fi[k]!, 0);
    expect(Math.abs(pair!.pair.kernel - dot)).toBeLessThanOrEqual(1e-4 * Math.abs(dot));
    // Heatmaps cover each row's whole text; the budget still closes.
    const t0Rows = (await test.readIds(0, test.rows)).filter((id) => id.startsWith('t0#')).length;
    expect(pair!.pair.test.tokens).toEqual(await test.readTexts(tRow - 2, tRow - 2 + t0Rows));
    expect(pair!.pair.budget.test.residual).toBeLessThan(1e-3);
    expect(pair!.test).toMatchObject({ id: 't0#2' });
    expect(pair!.train.id).toBe('c#3');
  });

  it('xda --text on a token store is refused with the reason and the way out', async () => {
    const r = await run(['xda', 'train', '--text', 'free prize'], dir);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/token-head store: XDA explains a pair of token rows[\s\S]*--test TEXTID#POSITION/);
  });

  it('serve starts on it and /api/xda explains token rows (worker pool)', async () => {
    // The pool `dualxda serve` wires in: worker threads running serve/xda-worker.ts.
    const pool = await createXdaPool({ size: 1, workerData: { modelDir: ckpt } });
    const server = await startDashboardServer({ store: join(dir, 'train'), test: join(dir, 'test'), model: ckpt, port: 0, xdaFactory: async () => pool.provider });
    try {
      const test = await openFeatureStore(join(dir, 'test'));
      const train = await openFeatureStore(join(dir, 'train'));
      const tRow = (await test.readIds(0, test.rows)).indexOf('t0#2');
      const iRow = (await train.readIds(0, train.rows)).indexOf('c#3');
      const res = await getJson<XdaResponse>(server.port, `/api/xda?test=${tRow}&train=${iRow}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const cli = await run(['xda', 'train', '--test-store', 'test', '--test', 't0#2', '--train', 'c#3', '--json', '-q'], dir);
      const [pair] = JSON.parse(cli.stdout) as XdaPairReport[];
      expect(res.body.kernel).toBeCloseTo(pair!.pair.kernel, 4);
      expect(res.body.test.tokens).toEqual(pair!.pair.test.tokens);
      // A typed text is many token rows: the text box says so instead of one pooled answer.
      const summary = await getJson<Summary>(server.port, '/api/summary');
      expect(summary.body.text).toMatchObject({ available: false, reason: expect.stringMatching(/token-head store/) as unknown });
      expect((await getJson<unknown>(server.port, `/api/text?text=${encodeURIComponent('free prize')}`)).status).toBe(400);
    } finally {
      await server.close();
      await pool.close();
    }
  }, 60_000);
});
