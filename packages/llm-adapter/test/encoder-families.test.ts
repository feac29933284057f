/**
 * RoBERTa and DistilBERT checkpoints (issue 14): assets/tiny-{roberta,distilbert}, written by
 * tools/fixtures/model/make-tiny-encoders.py as a plain `save_pretrained` folder (no onnx/). The
 * features themselves are checked against torch in packages/xda/test/encoder-families.test.ts and
 * end to end in packages/cli/test/encoder-families.test.ts.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTexts, loadCheckpoint } from '../src/index.js';
import { checkpointDir, type Reference } from './assets.js';

describe.each([
  ['tiny-roberta', 'roberta', 'classifier.out_proj.weight', 'classifier.dense'],
  ['tiny-distilbert', 'distilbert', 'classifier.weight', 'pre_classifier'],
] as const)('%s', (name, modelType, head, featureLayer) => {
  const ref = JSON.parse(readFileSync(join(checkpointDir(name), 'reference.json'), 'utf8')) as Reference;

  it('loads with the head the features feed and the usable length', async () => {
    const ckpt = await loadCheckpoint(checkpointDir(name));
    expect(ckpt.architecture.modelType).toBe(modelType);
    expect(ckpt.architecture.sequenceFeatureLayer).toBe(featureLayer);
    expect(ckpt.sequenceHead?.name).toBe(head);
    expect(ckpt.sequenceHead?.weight.shape).toEqual([3, 16]);
    expect(ckpt.tokenHead).toBeNull();
    expect([ckpt.hiddenSize, ckpt.numLayers, ckpt.numHeads]).toEqual([16, 2, 2]);
    // RoBERTa's table has padding_idx + 1 = 2 rows more than the longest input.
    expect(ckpt.maxPositions).toBe(ref.max_length);
    expect(ckpt.onnxPath).toBeNull();
  });

  it('tokenizes the reference texts to the python ids', async () => {
    const ckpt = await loadCheckpoint(checkpointDir(name));
    const enc = encodeTexts(ckpt.tokenizer, ref.cases.map((c) => c.text), ref.max_length);
    expect(enc.ids).toEqual(ref.cases.map((c) => c.input_ids));
  });
});

describe('RobertaForTokenClassification', () => {
  it('takes the plain `classifier` as its token head', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dualxda-roberta-tok-'));
    try {
      await cp(checkpointDir('tiny-roberta'), dir, { recursive: true });
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['RobertaForTokenClassification'] }));
      const err = await loadCheckpoint(dir).then(() => null, (e: unknown) => e as Error);
      // The asset is a sequence classifier: the token head must be looked up as `classifier.weight`.
      expect(err?.message).toMatch(/head weight "classifier\.weight" is missing/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
