/* eslint-disable @typescript-eslint/no-non-null-assertion -- the kernel exists where WebAssembly SIMD does, as on every CI machine */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { useXdaBackend } from '../backend.js';
import { createWeightArena, isResidentMatrix } from './weight-arena.js';

let seed = 5;
const values = (n: number) => Float32Array.from({ length: n }, () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('weight arena on %s', (backend) => {
  // Sizes off every tile multiple (rows 4, columns 8, panels 256) so each padding path runs.
  it.each([[3, 5, 7], [1, 9, 13], [6, 300, 11], [10, 17, 261]])('M=%i in=%i out=%i: forward x·Wᵀ and relevance g·W equal tf.matMul', async (m, inDim, out) => {
    await useXdaBackend(backend);
    const arena = createWeightArena()!;
    const wData = values(out * inDim);
    const other = arena.add('other.weight', values(7 * 5), 7, 5);
    const w = arena.add('w.weight', wData, out, inDim);
    expect(isResidentMatrix(w)).toBe(true);
    expect(w.shape).toEqual([out, inDim]);
    const wt = tf.tensor2d(wData, [out, inDim]);
    const x = tf.tensor2d(values(m * inDim), [m, inDim]);
    const g = tf.tensor2d(values(m * out), [m, out]);
    expectClose(w.forward(x).dataSync(), tf.matMul(x, wt, false, true).dataSync(), { rtol: 1e-5, atol: 1e-6 });
    expectClose(w.backward(g).dataSync(), tf.matMul(g, wt).dataSync(), { rtol: 1e-5, atol: 1e-6 });
    // The first matrix is untouched by the second one's scratch.
    const x5 = tf.tensor2d(values(2 * 5), [2, 5]);
    expect(other.forward(x5).shape).toEqual([2, 7]);
    expect(arena.bytes).toBe(4 * 8 * 8 + 4 * Math.ceil(inDim / 4) * 4 * Math.ceil(out / 8) * 8);
  });

  // 600 and 530 > the 256-long blocks of the shared axis: blocking must not change a bit.
  it.each([[2, 6, 3], [3, 600, 530]])('M=%i in=%i out=%i: both products sum each output in order in float32 (the textbook loop)', async (m, inDim, out) => {
    await useXdaBackend(backend);
    const wData = values(out * inDim);
    const xData = values(m * inDim);
    const gData = values(m * out);
    const w = createWeightArena()!.add('w', wData, out, inDim);
    const y = w.forward(tf.tensor2d(xData, [m, inDim])).dataSync();
    const gin = w.backward(tf.tensor2d(gData, [m, out])).dataSync();
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < out; o++) {
        let s = 0;
        for (let p = 0; p < inDim; p++) s = Math.fround(s + Math.fround(xData[i * inDim + p]! * wData[o * inDim + p]!));
        expect(y[i * out + o]).toBe(s);
      }
      for (let c = 0; c < inDim; c++) {
        let s = 0;
        for (let o = 0; o < out; o++) s = Math.fround(s + Math.fround(gData[i * out + o]! * wData[o * inDim + c]!));
        expect(gin[i * inDim + c]).toBe(s);
      }
    }
  });

  it('names bad shapes and use after release', async () => {
    await useXdaBackend(backend);
    const arena = createWeightArena()!;
    expect(() => arena.add('layer.q.weight', values(5), 2, 3)).toThrow(/layer\.q\.weight.*5 values, expected 2 × 3/);
    const w = arena.add('w', values(6), 2, 3);
    expect(() => w.forward(tf.zeros([4, 2]))).toThrow(/expected \[M, 3\], got \[4, 2\]/);
    arena.release();
    expect(() => w.forward(tf.zeros([4, 3]))).toThrow(/after dispose/);
  });
});
