import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDualxdaError } from '@dualxda/core';
import { expectClose } from '@dualxda/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySink, extractFeatures, linearF32, loadCheckpoint, openModel, type FeatureForward, type FeatureModel, type ModelLoadError } from '../src/index.js';
import { checkpointDir, copyCheckpoint } from './assets.js';

/**
 * A folder without onnx/model.onnx. The real built-in forward (XDA's tfjs model) is injected by the
 * CLI and tested there (packages/cli/test/no-onnx.test.ts); here a forward that replays the ONNX
 * graph's outputs checks the wiring: logits from the head, token rows, size checks, the error.
 */
describe('a checkpoint folder without onnx/model.onnx', () => {
  let dir: string;
  let onnx: FeatureModel;
  beforeAll(async () => {
    dir = await copyCheckpoint('tiny-bert');
    await rm(join(dir, 'onnx'), { recursive: true });
    onnx = await openModel(checkpointDir('tiny-bert'));
  });
  afterAll(async () => {
    await onnx.release();
    await rm(dir, { recursive: true });
  });

  /** The ONNX runner's features and hidden states, as a built-in forward would give them. */
  const replay = (calls: string[]): FeatureForward => ({
    name: 'replay',
    async run(batch, want) {
      calls.push(`${want.features}/${want.lastHiddenState}`);
      const out = await onnx.runner.run(batch, [...(want.features ? ['features' as const] : []), ...(want.lastHiddenState ? ['lastHiddenState' as const] : [])]);
      return { features: out.features, lastHiddenState: out.lastHiddenState };
    },
    release: () => undefined,
  });

  it('loads, with onnxPath null', async () => {
    expect((await loadCheckpoint(dir)).onnxPath).toBeNull();
  });

  it('is refused by openModel without a forward, naming onnx/model.onnx and the way out', async () => {
    const err = await openModel(dir).then(() => null, (e: unknown) => e);
    expect(isDualxdaError(err, 'ModelLoadError')).toBe(true);
    expect((err as ModelLoadError).file).toBe('onnx/model.onnx');
    expect((err as Error).message).toMatch(/onnx\/model\.onnx: file is missing and no built-in forward was given: export the graph .* openModel\(dir, \{ forward \}\)/);
  });

  it('runs the injected forward: the same features, logits from the head, token rows', async () => {
    const calls: string[] = [];
    const model = await openModel(dir, { forward: () => replay(calls) });
    expect(model.runner.kind).toBe('builtin');
    expect(model.runner.executionProvider).toBe('replay');
    expect(model.runner.outputNames).not.toContain('logits');
    const texts = ['free money now', 'see you at lunch tomorrow'];
    const a = await model.embed(texts, { batchSize: 2 });
    const b = await onnx.embed(texts, { batchSize: 2 });
    expectClose(a.features, b.features, { rtol: 0, atol: 0 });
    expectClose(a.logits ?? [], b.logits ?? [], { rtol: 1e-5, atol: 1e-6 });
    const head = model.checkpoint.sequenceHead!;
    const k = head.weight.shape[0] as number;
    expectClose(a.logits ?? [], linearF32(a.rows, a.dim, k, a.features, head.weight.data, head.bias, new Float32Array(a.rows * k)), { rtol: 0, atol: 0 });
    const tok = await model.embed(texts, { head: 'token' });
    expectClose(tok.features, (await onnx.embed(texts, { head: 'token' })).features, { rtol: 0, atol: 0 });
    expect(calls).toEqual(['true/false', 'false/true']);
    await model.release();
  });

  it('extracts a corpus (the head-consistency check is skipped: logits are the head of the features)', async () => {
    const model = await openModel(dir, { forward: () => replay([]) });
    const sink = createMemorySink();
    const rows = ['a', 'bb cc', 'ddd'].map((text, id) => ({ id, text, label: id % 2 }));
    const r = await extractFeatures(model, rows, sink, { chunkRows: 2 });
    expect(r.rowsWritten).toBe(3);
    await model.release();
  });

  it('names the output of a forward that returns the wrong size', async () => {
    const bad: FeatureForward = { name: 'short', run: () => ({ features: new Float32Array(3), lastHiddenState: null }), release: () => undefined };
    const model = await openModel(dir, { forward: () => bad });
    await expect(model.embed(['hello'])).rejects.toThrow(/built-in forward "short" gave 3 values for "features", expected 32/);
    await model.release();
  });
});
