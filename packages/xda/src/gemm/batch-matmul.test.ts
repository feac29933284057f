/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { useXdaBackend } from '../backend.js';
import { batchMatMul } from './batch-matmul.js';
import { mapFloat32 } from './tensor-io.js';
import { createWasmGemmNn } from './wasm-gemm-nn.js';

let seed = 11;
const rand = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
}), shape);

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('wasm GEMM kernel', () => {
  it('sums each output in order in float32, exactly like the textbook loop', () => {
    const k = createWasmGemmNn()!;
    const [m, n, kk] = [8, 16, 7];
    const heap = new Float32Array(k.memory.buffer);
    const a = rand([m, kk]).dataSync();
    const b = rand([kk, n]).dataSync();
    heap.set(a, 0);
    heap.set(b, m * kk);
    const c = m * kk + kk * n;
    k.gemm(m, n, 4 * kk, 0, 4 * kk, 4 * m * kk, 4 * n, 4 * c, 4 * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < kk; p++) s = Math.fround(s + Math.fround(a[i * kk + p]! * b[p * n + j]!));
        expect(heap[c + i * n + j]).toBe(s);
      }
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('batchMatMul on %s', (backend) => {
  it.each([[false, false], [false, true], [true, false], [true, true]] as const)('transposeA=%s transposeB=%s equals tf.matMul, odd sizes padded', async (ta, tb) => {
    await useXdaBackend(backend);
    const [m, k, n] = [5, 3, 9];
    const a = rand(ta ? [2, 3, k, m] : [2, 3, m, k]);
    const b = rand(tb ? [2, 3, n, k] : [2, 3, k, n]);
    const got = batchMatMul(a, b, ta, tb);
    expect(got.shape).toEqual([2, 3, m, n]);
    expectClose(got.dataSync(), tf.matMul(a, b, ta, tb).dataSync(), { rtol: 1e-6, atol: 1e-6 });
  });

  it('writes a fresh output and leaves its inputs alone', async () => {
    await useXdaBackend(backend);
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = mapFloat32([x], [2, 2], ([v], out) => v!.forEach((e, i) => (out[i] = 2 * e)));
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6, 8]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4]);
  });
});
