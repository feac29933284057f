import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deletionCheck } from './deletion.js';
import { loadAssetModel, loadReference } from './shared-assets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('token deletion', () => {
  it('removing the most relevant train tokens lowers the kernel term more than removing random ones (tiny-llama)', () => {
    const model = loadAssetModel('tiny-llama');
    const inputs = loadReference('tiny-llama').map((c) => ({ ids: c.input_ids.slice(0, 24) }));
    const r = deletionCheck(model, inputs, { m: 3, randomDraws: 8, tests: 3, keepLast: false });
    expect(r.pairs).toBe(9);
    expect(r.meanTopDrop).toBeGreaterThan(0);
    expect(r.meanTopDrop).toBeGreaterThan(r.meanRandomDrop);
    model.dispose();
  });
});
