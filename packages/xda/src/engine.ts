/**
 * Runs ops through the registries. With `grad` on, every ruled op becomes a `tf.customGrad` whose
 * backward is its rule, and the ledger records, per batch row and place, the relevance each rule
 * states it keeps (`RuleConfig.absorbed`: biases, constants, the softmax rule's remainder). Those
 * statements are computed apart from the rules' backward, which is what makes "token relevance +
 * absorbed relevance = initial relevance" a check that a wrong rule fails.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError } from './errors.js';
import { readFloat32 } from './gemm/tensor-io.js';
import { getKernel } from './kernels.js';
import type { OpAttrsMap, OpName } from './op-names.js';
import { getRule } from './registry.js';
import type { AbsorbedPlace, RuleContext, RuleVariant } from './registry.js';
import { UNSUPPORTED_OPS } from './unsupported-ops.js';

export interface ExecutionContext extends RuleContext {
  /** Attach rules as custom gradients (false = plain inference). */
  grad: boolean;
  /** Op names executed so far (rule-coverage test). */
  trace: Set<OpName>;
  /** Per-place list of `[B]` tensors of relevance the rules state they keep in the backward. */
  ledger: Map<AbsorbedPlace, tf.Tensor[]>;
  /**
   * When set, the forward tensors each rule reads in the backward are kept here by reference
   * instead of through tfjs's `save`, which copies every one (an Identity kernel each); whoever set
   * it disposes them after the backward (`propagate` does).
   */
  held?: tf.Tensor[];
}

export function createExecutionContext(opts: { variant?: RuleVariant; epsilon?: number; grad?: boolean } = {}): ExecutionContext {
  return { variant: opts.variant ?? 'attnlrp', epsilon: opts.epsilon ?? 0, grad: opts.grad ?? false, trace: new Set<OpName>(), ledger: new Map() };
}

/**
 * Σ over every axis except the batch axis 0; non-finite inputs (−∞ masks) count as 0. Summed in JS
 * (float64, read back as float32): the guarded tfjs reduction was five kernels per ledger entry.
 */
export function rowSum(x: tf.Tensor): tf.Tensor1D {
  const rows = x.shape[0] ?? 1;
  const out = readFloat32([x], ([v]) => {
    const xs = v as Float32Array;
    const per = rows === 0 ? 0 : xs.length / rows;
    const sums = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = r * per; i < (r + 1) * per; i++) {
        const e = xs[i] as number;
        if (Number.isFinite(e)) s += e;
      }
      sums[r] = s;
    }
    return sums;
  });
  return tf.tensor1d(out);
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
    const held = ctx.held;
    if (held === undefined) save([...xs, y]);
    else for (const t of [...xs, y]) held.push(tf.keep(t));
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], savedCopies: tf.Tensor[]) => {
        const gOut = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
        const saved = held === undefined ? savedCopies : [...xs, y];
        const ins = saved.slice(0, xs.length);
        const out = saved[xs.length] as tf.Tensor;
        const st = { inputs: ins, output: out };
        const grads = rule.relevance(gOut, st, attrs, ctx);
        const kept = rule.absorbed?.(gOut, st, attrs, ctx) ?? {};
        for (const [place, t] of Object.entries(kept) as [AbsorbedPlace, tf.Tensor][]) {
          const list = ctx.ledger.get(place) ?? [];
          list.push(tf.keep(rowSum(t)));
          ctx.ledger.set(place, list);
        }
        return ins.map((x, i) => grads[i] ?? tf.zerosLike(x));
      },
    };
  });
  return fn(...inputs);
}

/** Sums and disposes the ledger: place -> absorbed relevance per batch row. */
export function drainLedger(ctx: ExecutionContext, rows: number): Map<AbsorbedPlace, Float64Array> {
  const out = new Map<AbsorbedPlace, Float64Array>();
  for (const [place, list] of ctx.ledger) {
    const acc = new Float64Array(rows);
    for (const t of list) {
      const v = t.dataSync();
      for (let r = 0; r < rows; r++) acc[r] = (acc[r] as number) + (v[r] as number);
      t.dispose();
    }
    out.set(place, acc);
  }
  ctx.ledger.clear();
  return out;
}
