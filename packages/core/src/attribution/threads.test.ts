import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { createSyntheticModel } from '../model/synthetic.js';
import { explain } from './explain.js';
import { explainThreaded, releaseExplainThreads } from './threads.js';

const { model, features } = createSyntheticModel({ n: 700, d: 33, K: 4, seed: 17 });
const B = 9;
// Every other row of the training matrix: exercises the strided copy into shared memory.
const test = { data: features, shape: [B, 33], stride: [66, 1] };

afterAll(async () => {
  await releaseExplainThreads(model);
});

describe('explain with threads', () => {
  it('has enough support vectors to split', () => {
    expect(model.svIndices.length).toBeGreaterThanOrEqual(64 * 3);
  });

  it.each([2, 3])('matches the single-thread float64 result with %i threads', (threads) => {
    const one = explain(model, test, { mode: 'dense', topK: 6, blockSize: 16 });
    const many = explainThreaded(model, test, { mode: 'dense', topK: 6, blockSize: 16, threads });
    expectClose(many.dense ?? [], one.dense ?? [], { rtol: 0, atol: 0 });
    expectClose(many.rows.map((r) => r.rowSum), one.rows.map((r) => r.rowSum), { rtol: 1e-12, atol: 1e-12 });
    expect(many.targets).toEqual(one.targets);
    expect(many.rows.map((r) => [r.proponents, r.opponents])).toEqual(one.rows.map((r) => [r.proponents, r.opponents]));
    expect(many.rows[0]?.proponents.length).toBe(6);
  });

  it('matches the single-thread float32 kernel and reuses its workers across calls and batch sizes', () => {
    for (const rows of [B, 3]) {
      const t = { ...test, shape: [rows, 33] };
      const one = explain(model, t, { precision: 'float32', topK: 4, mode: 'dense' });
      const many = explainThreaded(model, t, { precision: 'float32', topK: 4, mode: 'dense', threads: 2 });
      expectClose(many.dense ?? [], one.dense ?? [], { rtol: 0, atol: 0 });
      expect(many.rows.map((r) => r.proponents.map((a) => a.id))).toEqual(one.rows.map((r) => r.proponents.map((a) => a.id)));
    }
  });

  it('matches in top mode too (each slice on its class-gathered path)', () => {
    const one = explain(model, test, { topK: 5 });
    const many = explainThreaded(model, test, { topK: 5, threads: 2 });
    expect(many.rows.map((r) => [r.proponents, r.opponents])).toEqual(one.rows.map((r) => [r.proponents, r.opponents]));
    expectClose(many.rows.map((r) => r.rowSum), one.rows.map((r) => r.rowSum), { rtol: 1e-12, atol: 1e-12 });
  });

  it('rejects a bad threads option by name', () => {
    expect(() => explainThreaded(model, test, { threads: 0 })).toThrow(/threads/);
    expect(() => explainThreaded(model, test, { threads: 1.5 })).toThrow(/threads/);
    expect(() => explain(model, test, { threads: 2 })).toThrow(/threads.*explainThreaded/);
  });
});
