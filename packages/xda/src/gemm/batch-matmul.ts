/**
 * Batched `op(A) · op(B)` for the attention products (scores, context and their relevance), on the
 * wasm SIMD kernel of `wasm-gemm-nn.ts`. Each batch slice (one head of one row) is copied into the
 * kernel's memory, transposed there when asked and zero-padded to the kernel's tile multiples, and
 * the product written into the float32 result (in place on tfjs-wasm, see `tensor-io.ts`). Memory
 * beyond the result is one slice's operands.
 * Falls back to tfjs's matMul without WebAssembly SIMD, for broadcast batch shapes and empty axes.
 */
import { wasmGrowTo } from '@dualxda/core';
import * as tf from '@tensorflow/tfjs';
import { createWasmGemmNn, GEMM_COLS, GEMM_ROWS } from './wasm-gemm-nn.js';
import type { WasmGemmNn } from './wasm-gemm-nn.js';
import { mapFloat32 } from './tensor-io.js';

let kernel: WasmGemmNn | null | undefined;

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

/** Copies the `rows × cols` matrix at `src[at…]` into `dst[to…]` as `cols × rows` (row stride `ld`). */
function transposeInto(src: Float32Array, at: number, rows: number, cols: number, dst: Float32Array, to: number, ld: number): void {
  for (let i = 0; i < rows; i++) {
    const row = at + i * cols;
    for (let j = 0; j < cols; j++) dst[to + j * ld + i] = src[row + j] as number;
  }
}

/** Copies `rows` rows of `cols` floats from `src[at…]` to `dst[to…]` with destination row stride `ld`. */
function copyRows(src: Float32Array, at: number, rows: number, cols: number, dst: Float32Array, to: number, ld: number): void {
  if (ld === cols) dst.set(src.subarray(at, at + rows * cols), to);
  else for (let i = 0; i < rows; i++) dst.set(src.subarray(at + i * cols, at + (i + 1) * cols), to + i * ld);
}

/**
 * `op(a) · op(b)` over the last two axes of tensors with equal leading (batch) axes, where op
 * transposes when its flag is set: the same result as `tf.matMul(a, b, transposeA, transposeB)`
 * up to float32 rounding (each output is the in-order float32 sum over the shared axis).
 *
 * @example
 * batchMatMul(q, k, false, true); // [B, H, T, D] × [B, H, S, D] → scores [B, H, T, S]
 */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (kernel === undefined) kernel = createWasmGemmNn();
  const batchShape = a.shape.slice(0, -2);
  const sameBatch = a.rank === b.rank && a.rank >= 2 && batchShape.every((s, i) => s === b.shape[i]);
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (kernel === null || !sameBatch || k !== kb || m === 0 || n === 0 || k === 0) return tf.matMul(a, b, transposeA, transposeB);
  const mp = roundUp(m, GEMM_ROWS);
  const np = roundUp(n, GEMM_COLS);
  const [aAt, bAt, cAt] = [0, mp * k, mp * k + k * np];
  const bytes = 4 * (cAt + mp * np);
  wasmGrowTo(kernel.memory, bytes);
  const heap = new Float32Array(kernel.memory.buffer, 0, cAt + mp * np);
  // Padding rows of A and columns of B stay zero for every slice.
  heap.fill(0, 0, cAt);
  const slices = batchShape.reduce((x, y) => x * y, 1);
  const gemm = kernel;
  return mapFloat32([a, b], [...batchShape, m, n], ([av, bv], out) => {
    for (let s = 0; s < slices; s++) {
      if (transposeA) transposeInto(av as Float32Array, s * m * k, k, m, heap, aAt, k);
      else copyRows(av as Float32Array, s * m * k, m, k, heap, aAt, k);
      if (transposeB) transposeInto(bv as Float32Array, s * k * n, n, k, heap, bAt, np);
      else copyRows(bv as Float32Array, s * k * n, k, n, heap, bAt, np);
      gemm.gemm(mp, np, 4 * k, 4 * aAt, 4 * k, 4 * bAt, 4 * np, 4 * cAt, 4 * np);
      if (np === n) out.set(heap.subarray(cAt, cAt + m * n), s * m * n);
      else for (let i = 0; i < m; i++) out.set(heap.subarray(cAt + i * np, cAt + i * np + n), s * m * n + i * n);
    }
  });
}
