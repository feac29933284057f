/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { extractFeatures } from '../src/index.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A subset keeps the suite fast: the tiny models' cases 0, 5 (64 tokens), 6 (21) and 7 (3) still
// exercise right padding; spam-bert (the embedded model) runs one 128-token text.
describe.each([['tiny-bert', [0, 5, 6, 7]], ['tiny-llama', [0, 5, 6, 7]], ['spam-bert', [0]]] as const)('%s forward matches the python reference.json', (name, pick) => {
  const all = loadReference(name);
  const cases = pick.map((i) => all[i]!);
  const model = loadAssetModel(name);

  it('features match to 1e-4 in one right-padded batch', () => {
    const feats = extractFeatures(model, cases.map((c) => ({ ids: c.input_ids })));
    feats.forEach((f, i) => {
      const ref = cases[i]!;
      expectClose(f.slice(0, 8), ref.features_first8, { rtol: 1e-4, atol: 1e-4 });
      expect(Math.hypot(...f)).toBeCloseTo(ref.features_l2, 3);
    });
  });

  it('logits of the embedded head match (features · Wᵀ + b)', () => {
    const head = model.head!;
    const W = head.weight.arraySync();
    const b = head.bias?.arraySync() ?? W.map(() => 0);
    extractFeatures(model, cases.map((c) => ({ ids: c.input_ids }))).forEach((f, i) => {
      const logits = W.map((row, k) => row.reduce((acc, w, j) => acc + w * f[j]!, b[k]!));
      expectClose(logits, cases[i]!.logits, { rtol: 1e-4, atol: 1e-4 });
    });
  });
});
