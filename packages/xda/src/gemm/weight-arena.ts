/**
 * Linear-layer weights kept in our own WebAssembly memories instead of the tfjs heap, multiplied
 * by the SIMD kernel of `wasm-gemm-nn.ts`. Why: tfjs-wasm has one 4 GB (wasm32) heap, and a
 * weight there is held up to three times (as given, the `[in, out]` copy of `transposedWeights`,
 * XNNPACK's packed copy), so a 0.5B-parameter decoder ran out of memory before its first
 * activation. Here each matrix is held once, as `Wᵀ` (`[in, out]`, rows padded to 4 and columns to
 * 8 with zeros), in arenas of at most `ARENA_CAP_BYTES` each (a new arena, with its own memory,
 * starts when one is full), so the tfjs heap holds only activations.
 *
 * Both products use the one stored layout:
 * - forward `x Wᵀ`: A = x (`[M, in]`), B = Wᵀ, in cache-sized blocks (`blockedGemm`);
 * - relevance `g W`: computed as `(Wᵀ gᵀ)ᵀ`, A = Wᵀ, B = gᵀ, so only activations are transposed.
 * Each output is the in-order float32 sum over the shared axis (the textbook loop; tfjs's matMul
 * sums in another order, so results differ from the tfjs path by float32 rounding only).
 */
import { wasmGrowTo } from '@dualxda/core';
import * as tf from '@tensorflow/tfjs';
import { ModelWeightsError } from '../errors.js';
import { mapFloat32, readFloat32 } from './tensor-io.js';
import { createWasmGemmNn, GEMM_COLS, GEMM_ROWS, type WasmGemmNn } from './wasm-gemm-nn.js';

/** Bytes of weights per arena; the rest of its 4 GB address space is left for scratch. */
export const ARENA_CAP_BYTES = 3 * 2 ** 30;
/**
 * Cache blocking of every product: 256 columns of B by 256 rows (256 KB) stay in L2 while all row
 * tiles of A pass over them. Blocks of the shared axis after the first continue each output's
 * in-order sum from C (`gemmAcc`), so blocking leaves every bit of the result as it was. Measured
 * on 256 × 896 × 4864 (one Qwen2-0.5B MLP product, idle box, CPU time): forward 35 → 39-40 GFLOP/s,
 * relevance 26-31 → 36-37 (its B, 5 MB, had streamed from L3 for every row tile); tfjs-wasm's
 * XNNPACK runs the same products at 29-31. Blocks of 128 measured the same, 512 and up slower.
 */
const PANEL_COLS = 256;
const K_BLOCK = 256;

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

/** A `[out, in]` (HF layout) matrix held by a `WeightArena`. */
export interface ResidentMatrix {
  readonly resident: true;
  /** `[out, in]`, as the tf weight it replaces. */
  readonly shape: [number, number];
  readonly size: number;
  /** `x Wᵀ` for `x` of shape `[M, in]` → `[M, out]`. */
  forward(x: tf.Tensor): tf.Tensor2D;
  /** `g W` for `g` of shape `[M, out]` → `[M, in]`. */
  backward(g: tf.Tensor): tf.Tensor2D;
}

export function isResidentMatrix(w: unknown): w is ResidentMatrix {
  return typeof w === 'object' && w !== null && (w as Partial<ResidentMatrix>).resident === true;
}

/** Where a model's Linear weights live (see `createWeightArena`). */
export interface WeightArena {
  /** Copies `data` (`[out, in]` row-major, any numeric array) in as Wᵀ; `name` is for errors. */
  add(name: string, data: ArrayLike<number>, out: number, inDim: number): ResidentMatrix;
  /** Weight bytes held (padding included). */
  readonly bytes: number;
  /** Drops the memories; matrices of a released arena throw on use. */
  release(): void;
}

interface Slab {
  kernel: WasmGemmNn;
  /** First free byte after the weights (16-aligned); scratch starts here. */
  top: number;
}

/** Grows `slab`'s memory to hold `bytes`; a failed grow is named (wasm32 stops at 4 GB). */
function ensure(slab: Slab, bytes: number, what: string): void {
  try {
    wasmGrowTo(slab.kernel.memory, bytes);
  } catch (cause) {
    throw new ModelWeightsError(what, `needs ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, more than the engine grants (${String(cause)})`);
  }
}

/**
 * A new arena, or null where WebAssembly SIMD is unavailable (models then keep tf tensors).
 *
 * @example
 * const arena = createWeightArena();
 * const w = arena?.add('layer.q.weight', data, 896, 896);
 * const y = w?.forward(x2); // x2 [M, 896] → [M, 896]
 */
export function createWeightArena(): WeightArena | null {
  if (createWasmGemmNn() === null) return null;
  let slabs: Slab[] | null = [];
  let bytes = 0;
  const live = (): Slab[] => {
    if (slabs === null) throw new ModelWeightsError('model', 'used after dispose()');
    return slabs;
  };

  function add(name: string, data: ArrayLike<number>, out: number, inDim: number): ResidentMatrix {
    if (data.length !== out * inDim) throw new ModelWeightsError(name, `has ${data.length} values, expected ${out} × ${inDim}`);
    const [inP, outP] = [roundUp(inDim, GEMM_ROWS), roundUp(out, GEMM_COLS)];
    const size = 4 * inP * outP;
    const all = live();
    let slab = all[all.length - 1];
    if (slab === undefined || (slab.top + size > ARENA_CAP_BYTES && slab.top > 0)) {
      slab = { kernel: createWasmGemmNn() as WasmGemmNn, top: 0 };
      all.push(slab);
    }
    const base = slab.top;
    ensure(slab, base + size, name);
    // Fresh pages are zero, so the padding rows and columns already are.
    const heap = new Float32Array(slab.kernel.memory.buffer, base, inP * outP);
    for (let r = 0; r < out; r++) {
      const row = r * inDim;
      for (let c = 0; c < inDim; c++) heap[c * outP + r] = data[row + c] as number;
    }
    slab.top = base + size;
    bytes += size;
    return residentMatrix(slab, base, out, inDim, live);
  }

  return {
    add,
    get bytes() {
      return bytes;
    },
    release() {
      slabs = null;
    },
  };
}

/**
 * `C = A · B` (byte offsets and byte strides into `kernel`'s memory; m, n, k meeting the kernel's
 * contract) in column panels and shared-axis blocks.
 */
function blockedGemm(kernel: WasmGemmNn, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
  for (let j = 0; j < n; j += PANEL_COLS) {
    const nj = Math.min(PANEL_COLS, n - j);
    for (let p = 0; p < k; p += K_BLOCK) {
      const kp = Math.min(K_BLOCK, k - p);
      (p === 0 ? kernel.gemm : kernel.gemmAcc)(m, nj, 4 * kp, a + 4 * p, lda, b + p * ldb + 4 * j, ldb, c + 4 * j, ldc);
    }
  }
}

function residentMatrix(slab: Slab, base: number, out: number, inDim: number, live: () => Slab[]): ResidentMatrix {
  const [inP, outP] = [roundUp(inDim, GEMM_ROWS), roundUp(out, GEMM_COLS)];
  const shape: [number, number] = [out, inDim];
  const rowsOf = (t: tf.Tensor, width: number, what: string): number => {
    const cols = t.shape[t.shape.length - 1];
    if (t.rank !== 2 || cols !== width) throw new RangeError(`${what}: expected [M, ${width}], got [${t.shape.join(', ')}]`);
    return t.shape[0] as number;
  };

  function forward(x: tf.Tensor): tf.Tensor2D {
    live();
    const m = rowsOf(x, inDim, 'Linear forward');
    const mp = roundUp(Math.max(m, 1), GEMM_ROWS);
    const aAt = slab.top;
    const cAt = aAt + roundUp(4 * mp * inDim, 16);
    ensure(slab, cAt + 4 * mp * outP, 'Linear forward scratch');
    const mem = slab.kernel.memory.buffer;
    readFloat32([x], ([xv]) => {
      const a = new Float32Array(mem, aAt, mp * inDim);
      a.set(xv as Float32Array);
      a.fill(0, m * inDim);
    });
    blockedGemm(slab.kernel, mp, outP, inDim, aAt, 4 * inDim, base, 4 * outP, cAt, 4 * outP);
    const c = new Float32Array(mem, cAt, mp * outP);
    return mapFloat32([], [m, out], (_, o) => {
      if (outP === out) o.set(c.subarray(0, m * out));
      else for (let i = 0; i < m; i++) o.set(c.subarray(i * outP, i * outP + out), i * out);
    }) as tf.Tensor2D;
  }

  function backward(g: tf.Tensor): tf.Tensor2D {
    live();
    const m = rowsOf(g, out, 'Linear relevance');
    const mp = roundUp(Math.max(m, 1), GEMM_COLS);
    const bAt = slab.top;
    const cAt = bAt + 4 * out * mp;
    ensure(slab, cAt + 4 * inP * mp, 'Linear relevance scratch');
    const mem = slab.kernel.memory.buffer;
    readFloat32([g], ([gv]) => {
      const b = new Float32Array(mem, bAt, out * mp);
      if (mp !== m) b.fill(0);
      const src = gv as Float32Array;
      for (let i = 0; i < m; i++) {
        const row = i * out;
        for (let r = 0; r < out; r++) b[r * mp + i] = src[row + r] as number;
      }
    });
    blockedGemm(slab.kernel, inP, mp, out, base, 4 * outP, bAt, 4 * mp, cAt, 4 * mp);
    const c = new Float32Array(mem, cAt, inP * mp);
    return mapFloat32([], [m, inDim], (_, o) => {
      for (let cIdx = 0; cIdx < inDim; cIdx++) {
        const col = cIdx * mp;
        for (let i = 0; i < m; i++) o[i * inDim + cIdx] = c[col + i] as number;
      }
    }) as tf.Tensor2D;
  }

  return { resident: true, shape, size: out * inDim, forward, backward };
}
