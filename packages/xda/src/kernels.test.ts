/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useXdaBackend } from './backend.js';
import { getKernel, maskedSoftmax } from './kernels.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('kernels on %s', (backend) => {
  it('GeluTanh is the tanh GELU (float64 formula), finite at ±3e38 (→ x, −0), NaN in NaN out', async () => {
    await useXdaBackend(backend);
    const xs = [-10, -1, -1e-3, 0, 1e-3, 0.5, 1, 3, 1e5];
    const ref = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    const got = getKernel('GeluTanh')([tf.tensor1d(xs)], {}).dataSync();
    xs.forEach((x, i) => expect(Math.abs(got[i]! - ref(x))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref(x)))));
    const edge = Array.from(getKernel('GeluTanh')([tf.tensor1d([3e38, -3e38, Number.NaN])], {}).dataSync());
    expect(edge[0]! / 1e38).toBeCloseTo(3, 5);
    expect(Math.abs(edge[1]!)).toBe(0);
    expect(edge[2]).toBeNaN();
  });

  it('SelectToken picks one row per batch entry and sends its gradient there only', async () => {
    await useXdaBackend(backend);
    const x = tf.tensor(Array.from({ length: 2 * 3 * 2 }, (_, i) => i), [2, 3, 2]);
    const select = (t: tf.Tensor) => getKernel('SelectToken')([t], { index: [2, 0] });
    expect(Array.from(select(x).dataSync())).toEqual([4, 5, 6, 7]);
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(select(t), tf.tensor([[1, 2], [3, 4]]))))([x]);
    expect(Array.from(g!.dataSync())).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
    expect(() => getKernel('SelectToken')([x], { index: [3, 0] })).toThrow(/SelectToken/);
  });

  it('the additive mask gives bit for bit what selecting with the broadcast mask gave', async () => {
    await useXdaBackend(backend);
    const x = tf.tensor([0.5, -1, 2, 3, 1e4, -2, 0, 7], [2, 1, 1, 4]);
    const mask = tf.tensor([1, 0, 1, 1, 1, 1, 0, 0], [2, 1, 1, 4], 'bool');
    // The select-based kernel this replaced, step for step.
    const m = tf.broadcastTo(mask, x.shape);
    const masked = tf.where(m, x, tf.fill(x.shape, -Infinity));
    const rowMax = tf.max(masked, -1, true);
    const safeMax = tf.where(tf.isFinite(rowMax), rowMax, tf.zerosLike(rowMax));
    const e = tf.where(m, tf.exp(tf.sub(x, safeMax)), tf.zerosLike(x));
    const denom = tf.sum(e, -1, true);
    const expected = tf.div(e, tf.where(tf.greater(denom, 0), denom, tf.onesLike(denom)));
    expect(Array.from(maskedSoftmax(x, mask).dataSync())).toEqual(Array.from(expected.dataSync()));
  });
});
