/* eslint-disable @typescript-eslint/no-non-null-assertion -- checkpoints whose heads the test knows */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHeadConsistency, createMemorySink, extractFeatures, FeatureHeadMismatchError, openModel, readJsonlCorpus, type CorpusRow, type FeatureModel } from '../src/index.js';
import { ASSETS, checkpointDir, PARITY_MODELS } from './assets.js';

let rows: CorpusRow[];
beforeAll(async () => {
  rows = [];
  for await (const r of readJsonlCorpus(join(ASSETS, 'corpus', 'train.jsonl'))) {
    rows.push(r);
    if (rows.length === 12) break;
  }
});

describe.each(PARITY_MODELS)('%s: the exported features are what the head multiplies', (name) => {
  it('within 1e-6 relative on 12 training texts', async () => {
    const model = await openModel(checkpointDir(name));
    try {
      const emb = await model.embed(rows.map((r) => r.text), { head: 'sequence', maxLength: 64 });
      const err = checkHeadConsistency({ dir: model.checkpoint.dir, output: 'features', head: model.checkpoint.sequenceHead!, features: emb.features, logits: emb.logits!, rows: emb.rows, sample: emb.rows });
      expect(err).toBeLessThan(1e-6);
    } finally {
      await model.release();
    }
  });
});

describe('a cache of an export whose "features" is the [CLS] hidden state instead of the pooler output', () => {
  let model: FeatureModel;
  beforeAll(async () => {
    const real = await openModel(checkpointDir('tiny-bert'));
    const H = real.checkpoint.hiddenSize;
    // The real tiny-bert graph, with its "features" output replaced by the [CLS] row of
    // last_hidden_state: what a hand-made export that skips the pooler gives.
    const runner: FeatureModel['runner'] = {
      ...real.runner,
      outputNames: real.runner.outputNames,
      async run(batch, want) {
        const out = await real.runner.run(batch, [...new Set([...want, 'lastHiddenState' as const])]);
        const cls = new Float32Array(batch.rows * H);
        for (let b = 0; b < batch.rows; b++) cls.set(out.lastHiddenState!.subarray(b * batch.seqLen * H, b * batch.seqLen * H + H), b * H);
        return { ...out, features: want.includes('features') ? cls : null };
      },
      release: () => real.runner.release(),
    };
    model = { ...real, runner };
  });
  afterAll(async () => {
    await model.release();
  });

  it('is refused before anything is written, naming the output and the head', async () => {
    const sink = createMemorySink();
    const run = extractFeatures(model, rows, sink, { chunkRows: 4, maxLength: 32 });
    await expect(run).rejects.toThrow(FeatureHeadMismatchError);
    await expect(extractFeatures(model, rows, createMemorySink(), { chunkRows: 4, maxLength: 32 })).rejects.toThrow(
      /onnx\/model\.onnx: the ONNX output "features" is not the input of the checkpoint's head "classifier": at row 0/,
    );
    expect(sink.chunks.size).toBe(0);
  });

  it('the token head (logits computed from the head itself) is not checked', async () => {
    const res = await extractFeatures(model, rows.slice(0, 2), createMemorySink(), { head: 'token', chunkRows: 4, maxLength: 16 });
    expect(res.rowsWritten).toBeGreaterThan(0);
  });
});
