/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { useXdaBackend } from './backend.js';
import { explainPair } from './explain/explain-pair.js';
import { createXdaModel } from './models/registry.js';
import { TINY_LLAMA_CONFIG, tinyLlamaWeights } from '../test/random-models.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useXdaBackend', () => {
  it('auto falls back to cpu when @tensorflow/tfjs-node-gpu is not installed', async () => {
    expect(await useXdaBackend('auto')).toBe('cpu');
  });

  it('rejects an unknown backend name, naming the option', async () => {
    await expect(useXdaBackend('webgpu' as never)).rejects.toThrow(/option backend/);
  });

  it('wasm gives the same heatmaps as cpu (every kernel the rules need exists there)', async () => {
    const run = () => {
      const model = createXdaModel(tinyLlamaWeights(), TINY_LLAMA_CONFIG);
      const p = explainPair(model, { ids: [1, 5, 7, 9] }, { ids: [1, 4, 3, 2, 8] }, { alpha: 0.5 });
      model.dispose();
      return p;
    };
    await useXdaBackend('cpu');
    const cpu = run();
    expect(await useXdaBackend('wasm')).toBe('wasm');
    const wasm = run();
    expectClose(wasm.test!.relevance, cpu.test!.relevance, { rtol: 1e-4, atol: 1e-5 });
    expectClose(wasm.train!.relevance, cpu.train!.relevance, { rtol: 1e-4, atol: 1e-5 });
    expect(wasm.train!.residual).toBeLessThanOrEqual(1e-3);
  });
});
