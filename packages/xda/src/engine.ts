/**
 * Runs ops through the registries. With `grad` on, every ruled op becomes a `tf.customGrad` whose
 * backward is its rule, and the ledger records, per batch row, the relevance the op does not pass
 * to its inputs (biases, constants, the softmax rule's non-conservation): that is what makes
 * "token relevance + absorbed relevance = initial relevance" checkable.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError } from './errors.js';
import { getKernel } from './kernels.js';
import type { OpAttrsMap, OpName } from './op-names.js';
import { getRule } from './registry.js';
import type { RuleContext, RuleVariant } from './registry.js';
import { UNSUPPORTED_OPS } from './unsupported-ops.js';

export interface ExecutionContext extends RuleContext {
  /** Attach rules as custom gradients (false = plain inference). */
  grad: boolean;
  /** Op names executed so far (rule-coverage test). */
  trace: Set<OpName>;
  /** Per-op list of `[B]` tensors of relevance absorbed by that op in the backward. */
  ledger: Map<OpName, tf.Tensor[]>;
}

export function createExecutionContext(opts: { variant?: RuleVariant; epsilon?: number; grad?: boolean } = {}): ExecutionContext {
  return { variant: opts.variant ?? 'attnlrp', epsilon: opts.epsilon ?? 0, grad: opts.grad ?? false, trace: new Set<OpName>(), ledger: new Map() };
}

/** Σ over every axis except the batch axis 0; non-finite inputs (−∞ masks) count as 0. */
export function rowSum(x: tf.Tensor): tf.Tensor1D {
  const flat = tf.reshape(x, [x.shape[0] ?? 1, -1]);
  return tf.sum(tf.where(tf.isFinite(flat), flat, tf.zerosLike(flat)), 1) as tf.Tensor1D;
}

function rowDot(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  const aa = tf.where(tf.isFinite(a), a, tf.zerosLike(a));
  return rowSum(tf.mul(aa, b));
}

/** Applies op `op` under `ctx`: forward kernel, plus its relevance rule as the gradient. */
export function applyOp<K extends OpName>(ctx: ExecutionContext, op: K, inputs: tf.Tensor[], attrs: OpAttrsMap[K]): tf.Tensor {
  ctx.trace.add(op);
  const forward = getKernel(op);
  const rule = getRule(op);
  if (rule === undefined) {
    if (Object.hasOwn(UNSUPPORTED_OPS, op) && UNSUPPORTED_OPS[op] !== null) return forward(inputs, attrs);
    throw new UnsupportedOpError(op);
  }
  if (!ctx.grad) return forward(inputs, attrs);
  const fn = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as (ts: tf.Tensor[]) => void;
    const xs = args as tf.Tensor[];
    const y = forward(xs, attrs);
    save([...xs, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const gOut = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
        const ins = saved.slice(0, xs.length);
        const out = saved[xs.length] as tf.Tensor;
        const grads = rule.relevance(gOut, { inputs: ins, output: out }, attrs, ctx);
        const filled = ins.map((x, i) => grads[i] ?? tf.zerosLike(x));
        let absorbed = rowDot(out, gOut);
        filled.forEach((g, i) => (absorbed = tf.sub(absorbed, rowDot(ins[i] as tf.Tensor, g))));
        const list = ctx.ledger.get(op) ?? [];
        list.push(tf.keep(absorbed));
        ctx.ledger.set(op, list);
        return filled;
      },
    };
  });
  return fn(...inputs);
}

/** Sums and disposes the ledger: op name -> absorbed relevance per batch row. */
export function drainLedger(ctx: ExecutionContext, rows: number): Map<OpName, Float64Array> {
  const out = new Map<OpName, Float64Array>();
  for (const [op, list] of ctx.ledger) {
    const acc = new Float64Array(rows);
    for (const t of list) {
      const v = t.dataSync();
      for (let r = 0; r < rows; r++) acc[r] = (acc[r] as number) + (v[r] as number);
      t.dispose();
    }
    out.set(op, acc);
  }
  ctx.ledger.clear();
  return out;
}
