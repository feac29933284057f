/**
 * Finite-difference checks of every relevance rule. Each rule's modified gradient must equal the
 * true gradient of the function the rule says it differentiates: the op itself for plain rules,
 * and the op with the rule's frozen parts held at the evaluation point otherwise (detached norm
 * scale, identity rule's f(x0)/x0, halves of a bilinear product, ε-rule's z/(z+ε) factor).
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '@dualxda/core/testing';
import { applyOp, createExecutionContext, drainLedger } from '../engine.js';
import { getKernel, layerNormScale, rmsScale } from '../kernels.js';
import type { OpName } from '../op-names.js';
import { ALL_RULES } from '../register-all-rules.js';
import { getRule } from '../registry.js';
import type { RuleVariant } from '../registry.js';
import { stabilize } from './stabilize.js';

let seed = 7;
const rand = (shape: number[], scale = 1) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return scale * (seed / 2 ** 32 - 0.5) * 2;
}), shape);

interface Case {
  op: OpName;
  name: string;
  inputs: () => tf.Tensor[];
  attrs: () => Record<string, unknown>;
  variant?: RuleVariant;
  epsilon?: number;
  /** The function whose true gradient the rule returns, frozen at x0. */
  reference: (xs: tf.Tensor[], x0: tf.Tensor[], attrs: Record<string, unknown>) => tf.Tensor;
}

const kernel = (op: OpName) => (xs: tf.Tensor[], a: Record<string, unknown>) => getKernel(op)(xs, a as never);
const frozenIdentity = (op: OpName) => (xs: tf.Tensor[], x0: tf.Tensor[], a: Record<string, unknown>) =>
  tf.mul(xs[0]!, tf.div(kernel(op)(x0, a), stabilize(x0[0]!, 1e-10)));
const linAttrs = () => ({ weight: rand([4, 3]), bias: rand([4], 0.3) });
const half = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (xs: tf.Tensor[], x0: tf.Tensor[]) =>
  tf.mul(tf.add(f(xs[0]!, x0[1]!), f(x0[0]!, xs[1]!)), 0.5);

const CASES: Case[] = [
  { op: 'Linear', name: 'LRP-0 = true gradient', inputs: () => [rand([2, 3, 3])], attrs: linAttrs, reference: (xs, _x0, a) => kernel('Linear')(xs, a) },
  {
    op: 'Linear', name: 'eps rule = gradient of z·z0/stab(z0)', epsilon: 0.3, inputs: () => [rand([2, 3, 3])], attrs: linAttrs,
    reference: (xs, x0, a) => { const z0 = kernel('Linear')(x0, a); return tf.mul(kernel('Linear')(xs, a), tf.div(z0, stabilize(z0, 0.3))); },
  },
  { op: 'Add', name: 'true gradient', inputs: () => [rand([2, 5]), rand([2, 5])], attrs: () => ({}), reference: (xs) => tf.add(xs[0]!, xs[1]!) },
  { op: 'AddConstant', name: 'true gradient', inputs: () => [rand([2, 5])], attrs: () => ({ constant: rand([5]) }), reference: (xs, _x0, a) => kernel('AddConstant')(xs, a) },
  {
    op: 'LayerNorm', name: 'detached 1/std', inputs: () => [rand([2, 3, 6], 2)], attrs: () => ({ gamma: rand([6]), beta: rand([6]), eps: 1e-5 }),
    reference: (xs, x0, a) => tf.add(tf.mul(tf.mul(layerNormScale(xs[0]!, 1e-5).centered, layerNormScale(x0[0]!, 1e-5).scale), a['gamma'] as tf.Tensor), a['beta'] as tf.Tensor),
  },
  {
    op: 'RMSNorm', name: 'detached rsqrt', inputs: () => [rand([2, 3, 6], 2)], attrs: () => ({ weight: rand([6]), eps: 1e-6 }),
    reference: (xs, x0, a) => tf.mul(tf.mul(xs[0]!, rmsScale(x0[0]!, 1e-6)), a['weight'] as tf.Tensor),
  },
  { op: 'Gelu', name: 'identity rule', inputs: () => [rand([2, 7], 3)], attrs: () => ({}), reference: frozenIdentity('Gelu') },
  { op: 'GeluTanh', name: 'identity rule', inputs: () => [rand([2, 7], 3)], attrs: () => ({}), reference: frozenIdentity('GeluTanh') },
  { op: 'Silu', name: 'identity rule', inputs: () => [rand([2, 7], 3)], attrs: () => ({}), reference: frozenIdentity('Silu') },
  { op: 'Tanh', name: 'identity rule', inputs: () => [rand([2, 7], 3)], attrs: () => ({}), reference: frozenIdentity('Tanh') },
  { op: 'Relu', name: 'identity rule', inputs: () => [rand([2, 7], 4)], attrs: () => ({}), reference: frozenIdentity('Relu') },
  {
    op: 'Softmax', name: 'true gradient with a -inf mask', inputs: () => [rand([2, 1, 3, 4], 3)],
    attrs: () => ({ mask: tf.tensor([1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1], [1, 1, 3, 4], 'bool') }),
    reference: (xs, _x0, a) => kernel('Softmax')(xs, a),
  },
  {
    op: 'MatMulQK', name: 'uniform halves', inputs: () => [rand([1, 2, 3, 2]), rand([1, 2, 4, 2])], attrs: () => ({ scale: 0.7 }),
    reference: half((a, b) => tf.mul(tf.matMul(a, b, false, true), 0.7)),
  },
  {
    op: 'MatMulQK', name: 'CP-LRP detaches Q and K', variant: 'cp-lrp', inputs: () => [rand([1, 2, 3, 2]), rand([1, 2, 4, 2])], attrs: () => ({ scale: 0.7 }),
    reference: (_xs, x0) => tf.mul(tf.matMul(x0[0]!, x0[1]!, false, true), 0.7),
  },
  { op: 'MatMulAV', name: 'uniform halves', inputs: () => [rand([1, 2, 3, 4]), rand([1, 2, 4, 2])], attrs: () => ({}), reference: half((a, b) => tf.matMul(a, b)) },
  {
    op: 'MatMulAV', name: 'CP-LRP: all to V', variant: 'cp-lrp', inputs: () => [rand([1, 2, 3, 4]), rand([1, 2, 4, 2])], attrs: () => ({}),
    reference: (xs, x0) => tf.matMul(x0[0]!, xs[1]!),
  },
  { op: 'GatedProduct', name: 'uniform halves', inputs: () => [rand([2, 5]), rand([2, 5])], attrs: () => ({}), reference: half((a, b) => tf.mul(a, b)) },
  {
    op: 'GatedProduct', name: 'CP-LRP: all to up', variant: 'cp-lrp', inputs: () => [rand([2, 5]), rand([2, 5])], attrs: () => ({}),
    reference: (xs, x0) => tf.mul(x0[0]!, xs[1]!),
  },
];

function centralDifference(ref: (xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], w: tf.Tensor, i: number, h: number): Float64Array {
  const base = inputs[i]!.dataSync();
  const out = new Float64Array(base.length);
  const at = (j: number, d: number) => tf.tidy(() => {
    const x = Float32Array.from(base);
    x[j] = (x[j] as number) + d;
    const xs = inputs.map((t, k) => (k === i ? tf.tensor(x, t.shape) : t));
    return tf.sum(tf.mul(ref(xs), w)).dataSync()[0] as number;
  });
  for (let j = 0; j < base.length; j++) out[j] = (at(j, h) - at(j, -h)) / (2 * h);
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('relevance rules', () => {
  it('every registered rule has a finite-difference case', () => {
    const covered = new Set(CASES.map((c) => c.op));
    expect(ALL_RULES.map((r) => r.op).filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.op}: ${c.name}`, c] as const))('%s matches central differences', (_n, c) => {
    const x0 = c.inputs();
    const attrs = c.attrs();
    const ctx = createExecutionContext({ variant: c.variant ?? 'attnlrp', epsilon: c.epsilon ?? 0, grad: true });
    const y0 = applyOp(ctx, c.op, x0, attrs as never);
    const w = rand(y0.shape);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(applyOp(ctx, c.op, xs, attrs as never), w)))(x0);
    grads.forEach((g, i) => {
      const fd = centralDifference((xs) => c.reference(xs, x0, attrs), x0, w, i, 1e-2);
      expectClose(g.dataSync(), fd, { rtol: 2e-3, atol: 2e-3 });
    });
    const rule = getRule(c.op)!;
    const rIn = grads.reduce((s, g, i) => s + tf.sum(tf.mul(x0[i]!, g)).dataSync()[0]!, 0);
    const rOut = tf.sum(tf.mul(y0, w)).dataSync()[0]!;
    if (rule.conservative(c.variant ?? 'attnlrp')) {
      // Σ x ⊙ G_in = Σ y ⊙ G_out: the rule neither creates nor absorbs relevance.
      expect(rIn).toBeCloseTo(rOut, 4);
    }
    // What the rule states it keeps (its `absorbed`, from forward quantities) is what it does not pass on.
    let stated = 0;
    for (const rows of drainLedger(ctx, y0.shape[0]!).values()) for (const v of rows) stated += v;
    expect(stated).toBeCloseTo(rOut - rIn, 4);
  });

  it('the identity is not vacuous: LayerNorm keeps a sizeable β share, which its statement accounts for', () => {
    // Were the β statement dropped, the rule would keep β ⊙ G while stating 0, and the check above would fail.
    const ctx = createExecutionContext({ grad: true });
    const attrs = { gamma: rand([6]) as tf.Tensor1D, beta: rand([6], 2) as tf.Tensor1D, eps: 1e-5 };
    const x0 = [rand([2, 3, 6], 2)];
    const w = rand([2, 3, 6]);
    const [g] = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(applyOp(ctx, 'LayerNorm', [x], attrs), w)))(x0);
    const kept = tf.sum(tf.mul(applyOp(ctx, 'LayerNorm', x0, attrs), w)).dataSync()[0]! - tf.sum(tf.mul(x0[0]!, g!)).dataSync()[0]!;
    expect(drainLedger(ctx, 2).get('normalisation')!.reduce((a, b) => a + b, 0)).toBeCloseTo(kept, 4);
    expect(Math.abs(kept)).toBeGreaterThan(1e-2);
  });

  it('softmax stays finite with -inf masks, fully masked rows and huge scores', () => {
    const x = tf.tensor([1e4, -1e4, 3, 0, 5, 6, 7, 8], [1, 1, 2, 4]);
    const mask = tf.tensor([1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 2, 4], 'bool');
    const ctx = createExecutionContext({ grad: true });
    const [g] = tf.grads((s: tf.Tensor) => tf.sum(tf.mul(applyOp(ctx, 'Softmax', [s], { mask }), tf.range(1, 9).reshape([1, 1, 2, 4]))))([x]);
    const p = applyOp(ctx, 'Softmax', [x], { mask }).dataSync();
    expect(Array.from(p)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(g!.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('identity rule never divides by zero at x = 0', () => {
    const ctx = createExecutionContext({ grad: true });
    const [g] = tf.grads((x: tf.Tensor) => tf.sum(applyOp(ctx, 'Gelu', [x], {})))([tf.tensor1d([0, -0, 1e-12, -1e-12]).reshape([1, 4])]);
    expect(Array.from(g!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
