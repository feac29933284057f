/**
 * A WebAssembly SIMD (128-bit) `C = A · Bᵀ` kernel for float32 operands, assembled here from
 * bytes (no toolchain, no binary blob). A register block of f32x4 (or f64x2) accumulators; in
 * 'f32' each lane sums k/4 products in FLOAT32, the four lanes are added in float64 at the end.
 * That is ~4× the scalar kernel's throughput but float32 accumulation (the DualXDA reference itself
 * computes in float32 torch), so callers opt in. The float64 modes sum the exact float32 products
 * in two float64 lanes (even and odd k), added at the end: the same value whatever the tile.
 *
 * Contract of the exported `gemm(m, n, kBytes, a, lda, b, ldb, c, ldc)` (all byte offsets/strides
 * into the module's own memory): m a multiple of the tile's rows and > 0, n a multiple of its
 * columns and > 0, kBytes a multiple of 16 and > 0 (kBytes counts B's bytes: float64 bytes for
 * 'f64-operands', float32 bytes otherwise); writes float64 results. Callers pad rows with zeros to
 * meet it. `gemv` is the same with a 1-row tile (single test rows, and the rows left over).
 * 'f64-mixed' also reads (and ignores) the B rows of the next column group, so the memory must
 * hold 2 × cols rows of B past row n, and `idx` (gemmIdx) cols valid row indexes past entry n.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmKernelModule, type WasmKernelFunction } from './wasm-asm.js';

/** The instantiated kernel and its memory. */
export interface WasmGemmF32 {
  memory: WebAssembly.Memory;
  gemm: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
  /** Like `gemm`, but output column j uses row `idx[j]` of B (`idx`: byte offset of an i32 table, n entries). */
  gemmIdx: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, idx: number) => void;
  /** `gemm` with a 1 × `GEMV_TILE_COLS` tile: any m > 0. */
  gemv: WasmGemmF32['gemm'];
  /** `gemmIdx` with the 1-row tile. */
  gemvIdx: WasmGemmF32['gemmIdx'];
}

const op = WASM_OP;

// Locals: params 0..8 = m, n, kb, a, lda, b, ldb, c, ldc (gemmIdx: 9 = idx); then i32 I, J, P, CP,
// A_0..A_{mr-1}, B_0..B_{nr-1}; then v128 accumulators (mr × nr), X_0..X_{mr-1}, Y.
const [M, N, KB, A, LDA, B, LDB, C, LDC, IDX] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * 'f32': f32x4 accumulation, 16 bytes per step; 'f64': each pair of floats promoted to f64x2;
 * 'f64-operands': both operands already float64 in memory; 'f64-mixed': A float64 in memory (the
 * small, cached test rows, promoted once), B float32 promoted on load (the streamed support
 * vectors). All three float64 modes use the same lanes and order, so give bitwise the same results.
 */
export type Accumulation = 'f32' | 'f64' | 'f64-operands' | 'f64-mixed';

/** Register tile: rows of A × rows of B per inner loop (m must be a multiple of rows, n of cols). */
export interface GemmTile {
  rows: number;
  cols: number;
}

function body(acc: Accumulation, { rows: mr, cols: nr }: GemmTile, gather: boolean): number[] {
  const l0 = gather ? 10 : 9;
  const [I, J, P, CP, PA, PF] = [l0, l0 + 1, l0 + 2, l0 + 3, l0 + 4, l0 + 5];
  const An = (r: number): number => l0 + 6 + r;
  const Bn = (q: number): number => l0 + 6 + mr + q;
  const v0 = l0 + 6 + mr + nr;
  const ACC = (r: number, q: number): number => v0 + r * nr + q;
  const X = (r: number): number => v0 + mr * nr + r;
  const Y = v0 + mr * nr + mr;
  const promoted = acc === 'f64' || acc === 'f64-mixed';
  const step = promoted ? 8 : 16;
  const load = promoted ? [...op.v128Load64Zero(0), ...op.f64x2PromoteLow] : op.v128Load(0);
  // 'f64-mixed': A holds float64, so its byte offset is twice B's (PA = 2P).
  const loadA = acc === 'f64-mixed' ? op.v128Load(0) : load;
  const PofA = acc === 'f64-mixed' ? PA : P;
  // Measured (CPU time, 16 × 10,000 × 768 streamed from memory): 'f64-mixed' 14.5 → 17.8 GFLOPS (4×2)
  // with the touch below, 'f32' 29.5 → 27.5 (its loads already compete with the arithmetic).
  const PREFETCH = acc === 'f64-mixed' && mr > 1;
  const mul = acc === 'f32' ? op.f32x4Mul : op.f64x2Mul;
  const add = acc === 'f32' ? op.f32x4Add : op.f64x2Add;
  const { bytes: b, emit } = createEmitter();
  // Columns (nr support vectors) outer, row tiles inner: the nr B rows stay in L1 while every
  // test row tile streams past them from L2.
  emit(op.loop); // columns, step nr
  if (gather) {
    // Column j of the output is row idx[j] of B (an i32 table in memory).
    for (let q = 0; q < nr; q++) {
      emit(op.localGet(B), op.localGet(IDX), op.localGet(J), op.i32Const(4), op.i32Mul, op.i32Add, op.i32Load(q * 4), op.localGet(LDB), op.i32Mul, op.i32Add, op.localSet(Bn(q)));
    }
  } else {
    emit(op.localGet(B), op.localGet(J), op.localGet(LDB), op.i32Mul, op.i32Add, op.localSet(Bn(0)));
    for (let q = 1; q < nr; q++) emit(op.localGet(Bn(q - 1)), op.localGet(LDB), op.i32Add, op.localSet(Bn(q)));
  }
  emit(op.i32Const(0), op.localSet(I));
  emit(op.loop); // rows, step mr
  emit(op.localGet(A), op.localGet(I), op.localGet(LDA), op.i32Mul, op.i32Add, op.localSet(An(0)));
  for (let r = 1; r < mr; r++) emit(op.localGet(An(r - 1)), op.localGet(LDA), op.i32Add, op.localSet(An(r)));
  for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) emit(op.v128Zero, op.localSet(ACC(r, q)));
  if (PREFETCH) {
    // Touches, along with this tile, row (tile index mod nr) of the next column group: a plain
    // load per step whose value is dropped, so that row is in cache when its group starts.
    emit(op.localGet(J), op.i32Const(nr), op.i32Add, op.localGet(I), op.i32Const(mr), op.i32DivU, op.i32Const(nr), op.i32RemU, op.i32Add);
    if (gather) emit(op.i32Const(4), op.i32Mul, op.localGet(IDX), op.i32Add, op.i32Load(0));
    emit(op.localGet(LDB), op.i32Mul, op.localGet(B), op.i32Add, op.localSet(PF));
  }
  emit(op.i32Const(0), op.localSet(P));
  emit(op.loop); // shared dimension, `step` bytes per iteration
  // (Unrolling this loop 2-8× measured slower under Node 20's V8: more live values, spills.)
  if (acc === 'f64-mixed') emit(op.localGet(P), op.i32Const(1), op.i32Shl, op.localSet(PA));
  if (PREFETCH) emit(op.localGet(PF), op.localGet(P), op.i32Add, op.v128Load(0), op.drop);
  for (let r = 0; r < mr; r++) emit(op.localGet(An(r)), op.localGet(PofA), op.i32Add, loadA, op.localSet(X(r)));
  for (let q = 0; q < nr; q++) {
    emit(op.localGet(Bn(q)), op.localGet(P), op.i32Add, load, op.localSet(Y));
    for (let r = 0; r < mr; r++) emit(op.localGet(ACC(r, q)), op.localGet(X(r)), op.localGet(Y), mul, add, op.localSet(ACC(r, q)));
  }
  emit(op.localGet(P), op.i32Const(step), op.i32Add, op.localSet(P));
  emit(op.localGet(P), op.localGet(KB), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(C), op.localGet(I), op.localGet(LDC), op.i32Mul, op.i32Add, op.localGet(J), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(CP));
  for (let r = 0; r < mr; r++) {
    for (let q = 0; q < nr; q++) {
      emit(op.localGet(CP));
      if (r > 0) emit(op.localGet(LDC), op.i32Const(r), op.i32Mul, op.i32Add);
      if (acc === 'f32') {
        emit(op.localGet(ACC(r, q)), op.extract(0), op.f64Promote);
        for (let lane = 1; lane < 4; lane++) emit(op.localGet(ACC(r, q)), op.extract(lane), op.f64Promote, op.f64Add);
      } else {
        emit(op.localGet(ACC(r, q)), op.extract64(0), op.localGet(ACC(r, q)), op.extract64(1), op.f64Add);
      }
      emit(op.f64Store(q * 8));
    }
  }
  emit(op.localGet(I), op.i32Const(mr), op.i32Add, op.localSet(I));
  emit(op.localGet(I), op.localGet(M), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(J), op.i32Const(nr), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(N), op.i32LtU, op.brIf0, op.end);
  emit(op.end);
  return b;
}

/** Columns of the 1-row (`gemv`) tile: the same column padding as the default tile. */
export const GEMV_TILE_COLS = 4;

/** The module bytes (exported for inspection in tests). */
export function wasmGemmF32Bytes(acc: Accumulation, tile: GemmTile = DEFAULT_GEMM_TILE): Uint8Array<ArrayBuffer> {
  const fn = (name: string, t: GemmTile, gather: boolean): WasmKernelFunction => ({
    name,
    params: gather ? 10 : 9,
    locals: [2, 6 + t.rows + t.cols, WASM_I32, t.rows * t.cols + t.rows + 1, WASM_V128],
    body: body(acc, t, gather),
  });
  const gemv: GemmTile = { rows: 1, cols: GEMV_TILE_COLS };
  return wasmKernelModule([fn('gemm', tile, false), fn('gemmIdx', tile, true), fn('gemv', gemv, false), fn('gemvIdx', gemv, true)]);
}

/**
 * The tile of the float32 explain kernel: 2×4 measured fastest (CPU time, in-cache 64 × 240 × 768 on
 * the 2-core EPYC box): f32 30 GFLOPS vs 19-22 for 3×4, 4×3, 2×6 and 8 for 4×4 (V8 spills past
 * 16 xmm registers).
 */
export const DEFAULT_GEMM_TILE: GemmTile = { rows: 2, cols: 4 };

/**
 * The tile of the float64 explain kernel ('f64-mixed'): 4×2 measured 19 GFLOPS in cache (CPU
 * time, 48 × 240 × 768, Zen 5 box) vs 17-18 for 2×4 / 3×2 and 15 for 'f64' 2×4, whose six
 * float32→float64 promotions per step compete with the multiplies and adds.
 */
export const F64_GEMM_TILE: GemmTile = { rows: 4, cols: 2 };

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * Instantiates a fresh kernel with its own memory, or returns null where WebAssembly SIMD is
 * unavailable (callers then use the scalar `gemmNtF32`).
 *
 * @example
 * const k = createWasmGemmF32('f64');
 * if (k) k.gemm(2, 4, 16, 0, 16, 32, 16, 128, 32);
 */
export function createWasmGemmF32(acc: Accumulation = 'f64', tile: GemmTile = DEFAULT_GEMM_TILE): WasmGemmF32 | null {
  const key = `${acc} ${tile.rows}x${tile.cols}`;
  let mod = compiled.get(key);
  if (mod === undefined) {
    const bytes = wasmGemmF32Bytes(acc, tile);
    mod = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    compiled.set(key, mod);
  }
  if (mod === null) return null;
  const instance = new WebAssembly.Instance(mod, {});
  const exports = instance.exports as Omit<WasmGemmF32, 'memory'> & { mem: WebAssembly.Memory };
  return { memory: exports.mem, gemm: exports.gemm, gemmIdx: exports.gemmIdx, gemv: exports.gemv, gemvIdx: exports.gemvIdx };
}
