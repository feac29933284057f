/**
 * Where the kernel block G = F Xᵀ (test rows × a block of support vectors) is computed. The
 * scalar kernel reads the model arrays in place; the WebAssembly SIMD kernel keeps a zero-padded
 * copy of the support vectors in its own memory (made once per model, cached by the svFeatures
 * array and released with it) and copies each test batch in.
 */
import { gemmNtF32 } from '../linalg/gemm-nt.js';
import { createWasmGemmF32, DEFAULT_GEMM_TILE, EXPLAIN_KERNEL_VARIANT, F64_FUSED_GEMM_TILE, F64_GEMM_TILE, type WasmGemmF32 } from '../linalg/wasm-gemm-f32.js';
import { createPanelGemv, type PanelGemv } from '../linalg/wasm-panel-gemv.js';
import { wasmGrowTo } from '../linalg/wasm-asm.js';
import { wasmRelaxedSimd } from '../linalg/wasm-relaxed-simd.js';
import type { FeatureMatrixView } from './kernel.js';

export interface GramKernel {
  /**
   * Takes the test rows of the next batch; with `order`, loaded row i is view row order[i]
   * (rows grouped by class for `gather`); `block` then also works in loaded order.
   */
  load(view: FeatureMatrixView, order?: Int32Array): void;
  /** gram[t·ldg + j] = ⟨f_t, x_{s0+j}⟩ for t < rows of the loaded batch, j < nb. */
  block(s0: number, nb: number, gram: Float64Array, ldg: number): void;
  /**
   * gram[i·ldg + j] = ⟨loaded row r0 + i, x_{cols[c0+j]}⟩ for i < m, j < nb ≤ the block size:
   * only the support vectors a class needs. Same float arithmetic per entry as `block`.
   */
  gather(r0: number, m: number, cols: Int32Array, c0: number, nb: number, gram: Float64Array, ldg: number, range?: ClassRange): void;
  /** Reads support vectors [s0, s1) into cache ahead of `gather`s over them; optional. */
  prefetch?(s0: number, s1: number): void;
}

/**
 * The class's whole range [lo, hi) of `cols` that a `gather` range lies in: a single query's
 * panels (wasm-panel-gemv.ts) are built per class, on its first query.
 */
export interface ClassRange {
  lo: number;
  hi: number;
}

/** Scalar float64-accumulating kernel over the model's arrays (works everywhere). */
export function createJsGramKernel(svFeatures: Float32Array, dim: number): GramKernel {
  let v: FeatureMatrixView | undefined;
  let perm: Int32Array | undefined;
  // Sequential float64 sum, as gemmNtF32's blocked paths do: the same value bit for bit.
  const dot = (i: number, sv: number): number => {
    const { data, rowStride, colStride, offset } = v as FeatureMatrixView;
    const x = sv * dim;
    let acc = 0;
    for (let q = 0, p = offset + (perm === undefined ? i : (perm[i] as number)) * rowStride; q < dim; q++, p += colStride) acc += (data[p] as number) * (svFeatures[x + q] as number);
    return acc;
  };
  return {
    load(view, order) {
      v = view;
      perm = order;
    },
    block(s0, nb, gram, ldg) {
      if (v === undefined) return;
      if (perm === undefined) gemmNtF32(v.rows, nb, dim, v.data, v.rowStride, v.colStride, v.offset, svFeatures, dim, 1, s0 * dim, gram, ldg, 1, 0);
      else for (let i = 0; i < v.rows; i++) for (let j = 0; j < nb; j++) gram[i * ldg + j] = dot(i, s0 + j);
    },
    gather(r0, m, cols, c0, nb, gram, ldg) {
      if (v === undefined) return;
      for (let i = 0; i < m; i++) for (let j = 0; j < nb; j++) gram[i * ldg + j] = dot(r0 + i, cols[c0 + j] as number);
    },
  };
}

/** Float32 accumulation ('float32') or float64 accumulation of float32 products promoted to f64 ('float64'). */
export type GramPrecision = 'float32' | 'float64';

interface Pack {
  wasm: WasmGemmF32;
  d4: number;
  svPad: number;
  /** Rows of the gemm tile; the rows left over go through the 1-row `gemv` tile. */
  tileRows: number;
  /** Bytes per float of the loaded test rows: 4, or 8 for float64 (promoted once, 'f64-mixed'). */
  testElem: 4 | 8;
  testPtr: number;
  outPtr: number;
  /** i32 column table of `gather` (outCols + 8 entries). */
  idxPtr: number;
  /**
   * Single queries' panel copies (wasm-panel-gemv.ts), built on a model's first single query:
   * `all` for the full path (support-vector order), and one per class-column list for the
   * gathered path (the list's order). Null where they could not be built.
   */
  panelsAll?: PanelGemv | null;
  panelsByCols: WeakMap<Int32Array, Map<number, PanelGemv | null>>;
  /**
   * Whether the row-major copy of the support vectors is in memory yet: it is made on the first
   * call that needs it (a batch, or a single query without panels), so that a process that only
   * answers single queries never touches those pages (fresh memory costs ≈ 3 ms per MB here).
   */
  packed: boolean;
  svFeatures: Float32Array;
  dim: number;
  nSV: number;
}

const packs = new WeakMap<Float32Array, Map<GramPrecision, Pack | null>>();
const MAX_WASM_BYTES = 2 ** 31; // stay well inside wasm32's 4 GiB

function ensureBytes(wasm: WasmGemmF32, bytes: number): boolean {
  if (bytes > MAX_WASM_BYTES) return false;
  wasmGrowTo(wasm.memory, bytes);
  return true;
}

function createPack(svFeatures: Float32Array, dim: number, nSV: number, precision: GramPrecision): Pack | null {
  // float64 keeps the support vectors in float32 and promotes them while loading: storing promoted
  // copies doubles the memory traffic (and the memory), which the streamed kernel pays for. Only
  // the test rows, read again for every support vector, are stored promoted ('f64-mixed').
  const f32 = precision === 'float32';
  const tile = f32 ? DEFAULT_GEMM_TILE : wasmRelaxedSimd() ? F64_FUSED_GEMM_TILE : F64_GEMM_TILE;
  // Fused multiply-adds only in float64, where they give bitwise the unfused sums (the products
  // of floats are exact); in float32 they measured no faster and would round differently.
  const wasm = createWasmGemmF32(f32 ? 'f32' : 'f64-mixed', tile, f32 ? { ...EXPLAIN_KERNEL_VARIANT, fused: false } : EXPLAIN_KERNEL_VARIANT);
  if (wasm === null) return null;
  const d4 = Math.ceil(dim / 4) * 4;
  const svPad = Math.ceil(nSV / 4) * 4;
  if (!ensureBytes(wasm, svPad * d4 * 4)) return null;
  const testPtr = svPad * d4 * 4;
  return { wasm, d4, svPad, tileRows: tile.rows, testElem: f32 ? 4 : 8, testPtr, outPtr: testPtr, idxPtr: testPtr, panelsByCols: new WeakMap(), packed: false, svFeatures, dim, nSV };
}

/** Copies the support vectors into the row-major region reserved for them (once). */
function ensurePacked(p: Pack): void {
  if (p.packed) return;
  const mem = new Float32Array(p.wasm.memory.buffer, 0, p.svPad * p.d4);
  for (let j = 0; j < p.nSV; j++) mem.set(p.svFeatures.subarray(j * p.dim, (j + 1) * p.dim), j * p.d4);
  p.packed = true;
}

/**
 * WebAssembly SIMD kernel for this model, or null when unavailable (no SIMD, d = 0, blockSize not
 * a multiple of 4, or more than 2 GiB of support vectors); callers then use the scalar kernel.
 */
export function createWasmGramKernel(svFeatures: Float32Array, dim: number, nSV: number, blockSize: number, precision: GramPrecision): GramKernel | null {
  if (dim === 0 || nSV === 0 || blockSize % 4 !== 0) return null;
  let byPrecision = packs.get(svFeatures);
  if (byPrecision === undefined) packs.set(svFeatures, (byPrecision = new Map()));
  let pack = byPrecision.get(precision);
  if (pack === undefined) byPrecision.set(precision, (pack = createPack(svFeatures, dim, nSV, precision)));
  if (pack === null) return null;
  const p = pack;
  const svBytes = p.d4 * 4;
  const testBytes = p.d4 * p.testElem;
  // Output rows hold the gemv tile's padded columns (a multiple of gemvCols ≥ any block's width).
  const gv = EXPLAIN_KERNEL_VARIANT.gemvCols;
  const outCols = Math.ceil(blockSize / gv) * gv;
  const ldc = outCols * 8;
  let rows = 0;
  let out = new Float64Array(0);
  let idx = new Int32Array(0);
  const acc = precision === 'float32' ? 'f32' : 'f64-mixed';
  // A batch of one row (a single query) reads each support vector once: from panels (one
  // sequential stream) instead of the row-major pack. The loaded row, and a token per load() so
  // a panel copy shared with other kernels of this model knows whose query it holds.
  let single: { data: ArrayLike<number>; offset: number; stride: number; dim: number; token: object } | undefined;
  const query = (pg: PanelGemv): PanelGemv => {
    const q = single as NonNullable<typeof single>;
    if (pg.queryOwner !== q.token) pg.setQuery(q.data, q.offset, q.stride, q.dim, q.token);
    return pg;
  };
  const panelsAll = (): PanelGemv | null => {
    if (p.panelsAll === undefined) p.panelsAll = createPanelGemv(acc, svFeatures, dim, nSV);
    return p.panelsAll;
  };
  const panelsFor = (cols: Int32Array, r: ClassRange): PanelGemv | null => {
    let byLo = p.panelsByCols.get(cols);
    if (byLo === undefined) p.panelsByCols.set(cols, (byLo = new Map()));
    let pg = byLo.get(r.lo);
    if (pg === undefined) byLo.set(r.lo, (pg = createPanelGemv(acc, svFeatures, dim, r.hi - r.lo, cols.subarray(r.lo, r.hi))));
    return pg;
  };
  /**
   * C rows [r0, r0 + m) of the loaded batch, columns [0, nb) (computed up to the tile's padding)
   * against B rows from byte b (or idx): tile rows, then the rest through gemv.
   */
  const run = (r0: number, m: number, nb: number, b: number, gather: boolean): void => {
    const main = m - (m % p.tileRows);
    const a = p.testPtr + r0 * testBytes;
    const c = p.outPtr;
    if (main > 0) {
      const nbPad = Math.ceil(nb / 4) * 4;
      if (gather) p.wasm.gemmIdx(main, nbPad, svBytes, a, testBytes, 0, svBytes, c, ldc, p.idxPtr);
      else p.wasm.gemm(main, nbPad, svBytes, a, testBytes, b, svBytes, c, ldc);
    }
    if (main < m) {
      const nbPad = Math.ceil(nb / gv) * gv;
      const a1 = a + main * testBytes;
      const c1 = c + main * ldc;
      if (gather) p.wasm.gemvIdx(m - main, nbPad, svBytes, a1, testBytes, 0, svBytes, c1, ldc, p.idxPtr);
      else p.wasm.gemv(m - main, nbPad, svBytes, a1, testBytes, b, svBytes, c1, ldc);
    }
  };
  const copyOut = (m: number, nb: number, gram: Float64Array, ldg: number): void => {
    for (let i = 0; i < m; i++) {
      const o = i * outCols;
      const g = i * ldg;
      for (let j = 0; j < nb; j++) gram[g + j] = out[o + j] as number;
    }
  };
  return {
    load(view, order) {
      rows = view.rows;
      p.outPtr = p.testPtr + rows * testBytes;
      p.idxPtr = p.outPtr + rows * ldc;
      // The idx table has 8 spare entries and 8 spare B rows follow it: the f64 kernel reads the
      // next column group ahead (wasm-gemm-f32.ts), the gemv computes up to gemvCols - 1 extra.
      if (!ensureBytes(p.wasm, p.idxPtr + (outCols + 8) * 4 + (8 + gv) * svBytes)) throw new RangeError('explain: test batch too large for the WebAssembly kernel; use a smaller batch');
      const mem = p.testElem === 4 ? new Float32Array(p.wasm.memory.buffer, p.testPtr, rows * p.d4) : new Float64Array(p.wasm.memory.buffer, p.testPtr, rows * p.d4);
      mem.fill(0);
      for (let t = 0; t < rows; t++) {
        let src = view.offset + (order === undefined ? t : (order[t] as number)) * view.rowStride;
        for (let q = 0; q < view.dim; q++, src += view.colStride) mem[t * p.d4 + q] = view.data[src] as number;
      }
      // Memory does not grow between load() and block(), so one view serves the whole batch.
      out = new Float64Array(p.wasm.memory.buffer, p.outPtr, rows * outCols);
      idx = new Int32Array(p.wasm.memory.buffer, p.idxPtr, outCols + 8);
      single = rows === 1 ? { data: view.data, offset: view.offset + (order === undefined ? 0 : (order[0] as number)) * view.rowStride, stride: view.colStride, dim: view.dim, token: {} } : undefined;
    },
    block(s0, nb, gram, ldg) {
      if (rows === 0 || nb === 0) return;
      const pg = single === undefined ? null : panelsAll();
      if (pg !== null) return query(pg).run(s0, nb, gram, 0);
      ensurePacked(p);
      run(0, rows, nb, s0 * svBytes, false);
      copyOut(rows, nb, gram, ldg);
    },
    prefetch(s0, s1) {
      // Single queries read panels, not the row-major copy.
      if (single !== undefined || rows === 0 || s1 <= s0) return;
      ensurePacked(p);
      // The output region is scratch until the next gather writes it.
      p.wasm.touch(s0 * svBytes, s1 * svBytes, p.outPtr);
    },
    gather(r0, m, cols, c0, nb, gram, ldg, range) {
      if (m === 0 || nb === 0) return;
      if (single !== undefined && range !== undefined) {
        const pg = panelsFor(cols, range);
        if (pg !== null) return query(pg).run(c0 - range.lo, nb, gram, 0);
      }
      ensurePacked(p);
      const nbPad = Math.ceil(nb / gv) * gv;
      for (let j = 0; j < nb; j++) idx[j] = cols[c0 + j] as number;
      for (let j = nb; j < nbPad + 8; j++) idx[j] = cols[c0] as number; // computed or read ahead, never used
      run(r0, m, nb, 0, true);
      copyOut(m, nb, gram, ldg);
    },
  };
}

/**
 * Picks the kernel for resolved options: WebAssembly SIMD when `backend` is 'auto' and it is
 * available, else the scalar one (which is float64 only).
 */
export function selectGramKernel(svFeatures: Float32Array, dim: number, nSV: number, blockSize: number, opts: { backend: 'auto' | 'js'; precision: GramPrecision }): GramKernel {
  const wasm = opts.backend === 'auto' ? createWasmGramKernel(svFeatures, dim, nSV, blockSize, opts.precision) : null;
  return wasm ?? createJsGramKernel(svFeatures, dim);
}
