import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XdaPair } from '@dualxda/core';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import type { ExplainedPrediction } from '../src/steps/explain-tests.js';
import { runCli } from '../src/cli.js';
import { run, snapshot } from './helpers.js';

/**
 * cache -> fit -> explain -> xda on the embedded tiny-bert (random weights, 3 classes) with a
 * small slice of the embedded corpus. Labels are reassigned round-robin so every class of the
 * checkpoint has training rows (the spam corpus has two).
 */
let dir: string;
const model = embeddedModelDir('tiny-bert');

async function slice(split: 'train' | 'test', n: number): Promise<string> {
  const lines = (await readFile(join(embeddedCorpusDir(), `${split}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const step = Math.floor(lines.length / n);
  const rows = Array.from({ length: n }, (_, i) => ({ ...(JSON.parse(lines[i * step]!) as object), label: i % 3 }));
  const file = join(dir, `${split}.jsonl`);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-e2e-'));
  await slice('train', 45);
  await slice('test', 6);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dualxda end to end on tiny-bert', () => {
  it('caches a token-head store (one row per token) and fits it', async () => {
    const out = join(dir, 'tokens.zarr');
    const cached = await run(['cache', '--model', model, '--data', join(dir, 'train.jsonl'), '--out', out, '--head', 'token', '--max-length', '16', '--chunk-rows', '100', '--json', '--quiet'], dir);
    expect(cached.code, cached.stderr).toBe(0);
    const summary = JSON.parse(cached.stdout) as { rows: number; textsProcessed: number };
    expect(summary.textsProcessed).toBe(45);
    // Every text contributes between 3 ([CLS] word [SEP]) and 16 token rows.
    expect(summary.rows).toBeGreaterThan(3 * 45);
    expect(summary.rows).toBeLessThanOrEqual(16 * 45);
    const fitted = await run(['fit', out, '--C', '0.01', '--json', '--quiet'], dir);
    expect(fitted.code, fitted.stderr).toBe(0);
  });

  it('builds the same token-head store in SLURM-style shards (--shard auto), and finalize names the missing one', async () => {
    const out = join(dir, 't-sharded.zarr');
    const shard = async (id: number) => {
      const env = { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' };
      let stderr = '';
      const code = await runCli(['cache', '--model', model, '--data', join(dir, 'train.jsonl'), '--out', out, '--head', 'token', '--max-length', '16', '--chunk-rows', '100', '--shard', 'auto'], {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        cwd: dir,
        signal: new AbortController().signal,
        env,
      });
      return { code, stderr };
    };
    for (const id of [2, 0]) expect((await shard(id)).code).toBe(0);
    const early = await run(['cache', 'finalize', out], dir);
    expect(early.code).toBe(EXIT_CODES.input);
    expect(early.stdout).toMatch(/1 of 3 shards are not complete:\n {2}shard 1\/3 rows \d+-\d+: never started/);
    const last = await shard(1);
    expect(last.stderr).toMatch(/cache: shard 1\/3 \(from SLURM_ARRAY_TASK_ID\/SLURM_ARRAY_TASK_COUNT\)/);
    expect((await run(['cache', 'finalize', out], dir)).code).toBe(0);
    // tokens.zarr was fitted by the test above: compare the feature store, not its model.
    const one = new Map([...(await snapshot(join(dir, 'tokens.zarr')))].filter(([k]) => !k.startsWith('dualda')));
    const three = await snapshot(out);
    expect([...three.keys()]).toEqual([...one.keys()]);
    // Only the root manifest's createdAt differs.
    expect([...one].filter(([k, v]) => !three.get(k)?.equals(v)).map(([k]) => k)).toEqual(['zarr.json']);
    expect(JSON.parse(three.get('dualxda-run.json')?.toString() ?? '{}')).toMatchObject({ createdBy: 'dualxda cache' });
  });

  it('Ctrl-C before the first chunk exits 130 and the rerun resumes to a finished store', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const stopped = await run(['cache', '--model', model, '--data', 'train.jsonl', '--out', 'train'], dir, aborted.signal);
    expect(stopped.code).toBe(EXIT_CODES.interrupted);
    expect(stopped.stderr).toMatch(/interrupted\nhint: .*rerun the same command to resume/);
    const r = await run(['cache', '--model', model, '--data', 'train.jsonl', '--out', 'train', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 45, dim: 32, textsProcessed: 45, finalized: true });
    const t = await run(['cache', '--model', model, '--data', 'test.jsonl', '--out', 'test', '-q'], dir);
    expect(t.code).toBe(0);
  });

  it('fits, explains and computes XDA consistently', async () => {
    const fit = await run(['fit', 'train', '--C', '0.1', '--json'], dir);
    expect(fit.code).toBe(0);
    const summary = JSON.parse(fit.stdout) as { supportVectors: number; classes: number; converged: boolean };
    expect(summary.classes).toBe(3);
    expect(summary.converged).toBe(true);
    expect(summary.supportVectors).toBeGreaterThan(0);

    const pq = await run(['explain', 'train', '--test', 'test.jsonl', '--model', model, '--limit', '2', '--out', 'ex.parquet', '-q'], dir);
    expect(pq.code).toBe(0);
    expect((await readFile(join(dir, 'ex.parquet'))).subarray(0, 4).toString('latin1')).toBe('PAR1');
    const ex = await run(['explain', 'train', '--test', 'test', '--top-k', '2', '--json', '--out', 'ex.jsonl'], dir);
    expect(ex.stderr).toMatch(/wrote 6 explanations/);
    expect(ex.code).toBe(0);
    const predictions = JSON.parse(ex.stdout) as ExplainedPrediction[];
    expect(predictions).toHaveLength(6);
    let records = 0;
    for (const p of predictions) {
      expect(p.predictedBy).toBe('model');
      for (const a of p.proponents) expect(a.score).toBeGreaterThan(0);
      for (const a of p.opponents) expect(a.score).toBeLessThan(0);
      expect(p.proponents.map((a) => a.score)).toEqual([...p.proponents.map((a) => a.score)].sort((x, y) => y - x));
      for (const a of p.proponents) expect(a.text.length).toBeGreaterThan(0);
      records += p.proponents.length + p.opponents.length;
    }
    const lines = (await readFile(join(dir, 'ex.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(records);

    const target = predictions.find((p) => p.proponents.length > 0)!;
    const xda = await run(['xda', 'train', '--model', model, '--test-store', 'test', '--test', target.id, '--json', '--html', 'pair.html'], dir);
    expect(xda.code).toBe(0);
    const pairs = JSON.parse(xda.stdout) as { kind: string; train: { id: string; score: number }; pair: XdaPair & { alpha: number } }[];
    const top = pairs.find((p) => p.kind === 'proponent')!;
    expect(top.train.id).toBe(target.proponents[0]!.id);
    // XDA recomputes the features in tfjs: its α·⟨f_test, f_train⟩ must match DualDA's ONNX-feature score.
    expect(top.pair.attribution).toBeCloseTo(target.proponents[0]!.score, 2);
    expect(Math.abs(top.pair.attribution - target.proponents[0]!.score)).toBeLessThan(1e-3 * Math.abs(target.proponents[0]!.score) + 1e-6);
    expect(top.pair.test.tokens.length).toBe(top.pair.test.scores.length);
    expect(top.pair.train.tokens.length).toBeGreaterThan(2);
    expect(top.pair.test.scores.some((s) => s !== 0)).toBe(true);
    // The budget travels with the JSON: each side's token scores sum to tokenSum, and tokens +
    // absorbed add up to the attribution.
    expect(top.pair).toMatchObject({ mode: 'per-position', decomposes: 'attribution' });
    for (const side of ['test', 'train'] as const) {
      const b = top.pair.budget[side];
      expect(top.pair[side].scores.reduce((a, v) => a + v, 0)).toBeCloseTo(b.tokenSum, 6);
      const absorbed = Object.values(b.absorbed).reduce((a, v) => a + v, 0);
      expect(Math.abs(b.tokenSum + absorbed - top.pair.explained)).toBeLessThanOrEqual(1e-3 * Math.abs(top.pair.explained));
      expect(b.share).toBeCloseTo(b.tokenSum / top.pair.attribution, 4);
    }
    const html = await readFile(join(dir, 'pair.html'), 'utf8');
    expect(html).toContain('<span title=');
    expect(html).toContain('<ul class="budget"><li>budget (per-position relevance): attribution');
  });

  it('eval computes every metric and inspect reports the fit', async () => {
    const r = await run(['eval', 'train', '--test', 'test', '--model', model, '--json', '-k', '2', '-m', 'sparsity', '-m', 'faithfulness', '-m', 'accuracy', '-m', 'self-influence'], dir);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { sparsity: { l0: number; hoyer: number; testRows: number }; faithfulness: { logitCosine: number; mcc: number }; accuracy: { agreement: number }; 'self-influence': { score: number }[] };
    expect(m.sparsity.testRows).toBe(6);
    expect(m.sparsity.hoyer).toBeGreaterThanOrEqual(0);
    expect(m.sparsity.hoyer).toBeLessThanOrEqual(1);
    expect(Math.abs(m.faithfulness.logitCosine)).toBeLessThanOrEqual(1);
    expect(m.accuracy.agreement).toBeGreaterThanOrEqual(0);
    expect(m['self-influence']).toHaveLength(2);
    expect(m['self-influence'][0]!.score).toBeGreaterThanOrEqual(m['self-influence'][1]!.score);
    const info = await run(['inspect', 'train', '--json'], dir);
    expect(JSON.parse(info.stdout)).toMatchObject({ manifest: { rows: 45, dim: 32 }, run: { modelDir: model }, faithfulness: { mcc: m.faithfulness.mcc, logitCosine: m.faithfulness.logitCosine } });
    // Recorded for the dashboard's overview (serve reads the run file), the rest of the record kept.
    const runFile = JSON.parse(await readFile(join(dir, 'train', 'dualxda-run.json'), 'utf8')) as { faithfulness: Record<string, number>; modelDir: string };
    expect(runFile.faithfulness).toMatchObject({ mcc: m.faithfulness.mcc, logitCosine: m.faithfulness.logitCosine });
    expect(runFile.modelDir).toBeDefined();
  });

  it('demo runs the whole pipeline on a given model and corpus folder', async () => {
    const r = await run(['demo', '--model', model, '--data', '.', '--out', 'demo', '--C', '0.1', '--examples', '2', '--json'], dir);
    expect(r.stderr).toMatch(/demo: 5\/5/);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { supportVectors: number; trainRows: number; examples: { xda: unknown[] }[]; sparsity: { hoyer: number }; faithfulness: { mcc: number } };
    expect(s.trainRows).toBe(45);
    expect(s.supportVectors).toBeGreaterThan(0);
    expect(s.examples).toHaveLength(2);
    for (const e of s.examples) expect(e.xda.length).toBeGreaterThan(0);
    const runFile = JSON.parse(await readFile(join(dir, 'demo', 'train', 'dualxda-run.json'), 'utf8')) as Record<string, unknown>;
    expect(runFile).toMatchObject({ testStore: '../test', createdBy: 'dualxda demo', faithfulness: { mcc: s.faithfulness.mcc } });
    expect((await readFile(join(dir, 'demo', 'explanations.jsonl'), 'utf8')).split('\n').length).toBeGreaterThan(6);
  });

  it('serve answers on the run stores and stops on Ctrl-C', async () => {
    const stop = new AbortController();
    let stdout = '';
    const { runCli } = await import('../src/cli.js');
    const running = runCli(['serve', 'train', '--test', 'test', '--model', model, '--port', '0', '--json'], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, cwd: dir, signal: stop.signal });
    for (let i = 0; i < 200 && !stdout.includes('}'); i++) await new Promise((r) => setTimeout(r, 50));
    const { url } = JSON.parse(stdout) as { url: string };
    const summary = (await (await fetch(`${url}api/summary`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(summary)).toMatch(/class_a/);
    stop.abort();
    expect(await running).toBe(EXIT_CODES.interrupted);
  });
});
