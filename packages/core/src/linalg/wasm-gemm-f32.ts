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
 * meet it. `gemv` is the same with a 1-row tile (single test rows, and the rows left over) of
 * `KernelVariant.gemvCols` columns (GEMV_TILE_COLS by default).
 * 'f64-mixed' also reads (and ignores) the B rows of the next column group, so the memory must
 * hold 2 × cols rows of B past row n, and `idx` (gemmIdx) cols valid row indexes past entry n.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmKernelModule, type WasmKernelFunction } from './wasm-asm.js';
import { wasmRelaxedSimd } from './wasm-relaxed-simd.js';

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
  /** Reads one vector per 64-byte line of [p, end) into cache, storing their sum at `dst`. */
  touch: (p: number, end: number, dst: number) => void;
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

/** Code-generation choices that change speed, not the float64 results (see `fused`). */
export interface KernelVariant {
  /**
   * `relaxed_madd` (one fused multiply-add where the engine has FMA) instead of mul then add,
   * where relaxed SIMD is available (else ignored). The float64 modes multiply float32 values,
   * whose products are exact in float64, so fused or not gives bitwise the same sums; 'f32'
   * rounds each product once less.
   */
  fused: boolean;
  /** Columns of the 1-row gemv tile (n of `gemv` must be a multiple of it). */
  gemvCols: number;
  /**
   * Steps per iteration of the gemv's inner loop in 'f64' and 'f64-mixed' (8 bytes of B per step,
   * so 2 keeps the kBytes-multiple-of-16 contract); the other modes always take 1.
   */
  gemvUnroll: 1 | 2;
}

function body(acc: Accumulation, { rows: mr, cols: nr }: GemmTile, gather: boolean, fused: boolean, unroll: number): number[] {
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
  // 'f64-mixed': A holds float64, so its byte offset is twice B's (PA = 2P).
  const PofA = acc === 'f64-mixed' ? PA : P;
  // Measured (CPU time, 16 × 10,000 × 768 streamed from memory): 'f64-mixed' 14.5 → 17.8 GFLOPS (4×2)
  // with the touch below, 'f32' 29.5 → 27.5 (its loads already compete with the arithmetic).
  // Fused (issue 17 item 5, Node 20, Zen 5): 4×2 with the touch 16.2-17.1, without 18.3-19.3, so
  // the touch is left out there; unfused it measured 15 either way then.
  const PREFETCH = acc === 'f64-mixed' && mr > 1 && !fused;
  const mul = acc === 'f32' ? op.f32x4Mul : op.f64x2Mul;
  const add = acc === 'f32' ? op.f32x4Add : op.f64x2Add;
  const madd = acc === 'f32' ? op.f32x4RelaxedMadd : op.f64x2RelaxedMadd;
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
  const bpi = step * unroll;
  emit(op.i32Const(0), op.localSet(P));
  emit(op.loop); // shared dimension, `step` bytes per iteration
  // (Unrolling this loop 2-8× measured slower under Node 20's V8 for the register tiles, more
  // live values and spills; the 1-row gemv tile has registers to spare: see EXPLAIN_KERNEL_VARIANT.)
  if (acc === 'f64-mixed') emit(op.localGet(P), op.i32Const(1), op.i32Shl, op.localSet(PA));
  if (PREFETCH) emit(op.localGet(PF), op.localGet(P), op.i32Add, op.v128Load(0), op.drop);
  for (let u = 0; u < unroll; u++) {
    // Step u of this iteration reads at a constant offset: the same order of sums as unroll 1.
    const offB = u * step;
    const offA = acc === 'f64-mixed' ? 2 * offB : offB;
    const load = promoted ? [...op.v128Load64Zero(offB), ...op.f64x2PromoteLow] : op.v128Load(offB);
    const loadA = acc === 'f64-mixed' ? op.v128Load(offA) : load;
    for (let r = 0; r < mr; r++) emit(op.localGet(An(r)), op.localGet(PofA), op.i32Add, loadA, op.localSet(X(r)));
    for (let q = 0; q < nr; q++) {
      emit(op.localGet(Bn(q)), op.localGet(P), op.i32Add, load, op.localSet(Y));
      for (let r = 0; r < mr; r++) {
        if (fused) emit(op.localGet(X(r)), op.localGet(Y), op.localGet(ACC(r, q)), madd, op.localSet(ACC(r, q)));
        else emit(op.localGet(ACC(r, q)), op.localGet(X(r)), op.localGet(Y), mul, add, op.localSet(ACC(r, q)));
      }
    }
  }
  emit(op.localGet(P), op.i32Const(bpi), op.i32Add, op.localSet(P));
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

/**
 * `touch(p, end, dst)`: reads one 16-byte vector per 64-byte line of [p, end) (p < end, both
 * multiples of 16) and stores their sum at `dst`, so that the lines are in cache before a kernel
 * reads them again (WebAssembly has no prefetch instruction).
 */
function touchFn(): WasmKernelFunction {
  const [P, END, DST, ACC] = [0, 1, 2, 3];
  const { bytes, emit } = createEmitter();
  emit(op.loop);
  emit(op.localGet(ACC), op.localGet(P), op.v128Load(0), op.f32x4Add, op.localSet(ACC));
  emit(op.localGet(P), op.i32Const(64), op.i32Add, op.localSet(P), op.localGet(P), op.localGet(END), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(DST), op.localGet(ACC), op.v128Store(0), op.end);
  return { name: 'touch', params: 3, locals: [1, 1, WASM_V128], body: bytes };
}

/** Columns of the 1-row (`gemv`) tile: the same column padding as the default tile. */
export const GEMV_TILE_COLS = 4;

/** The module bytes (exported for inspection in tests). */
export function wasmGemmF32Bytes(acc: Accumulation, tile: GemmTile = DEFAULT_GEMM_TILE, variant: Partial<KernelVariant> = {}): Uint8Array<ArrayBuffer> {
  // Relaxed SIMD only when asked for: the default modules validate on every SIMD engine.
  const fused = variant.fused === true && wasmRelaxedSimd();
  const gemvUnroll = acc === 'f64' || acc === 'f64-mixed' ? (variant.gemvUnroll ?? 1) : 1;
  const fn = (name: string, t: GemmTile, gather: boolean): WasmKernelFunction => ({
    name,
    params: gather ? 10 : 9,
    locals: [2, 6 + t.rows + t.cols, WASM_I32, t.rows * t.cols + t.rows + 1, WASM_V128],
    body: body(acc, t, gather, fused, t.rows === 1 ? gemvUnroll : 1),
  });
  const gemv: GemmTile = { rows: 1, cols: variant.gemvCols ?? GEMV_TILE_COLS };
  return wasmKernelModule([fn('gemm', tile, false), fn('gemmIdx', tile, true), fn('gemv', gemv, false), fn('gemvIdx', gemv, true), touchFn()]);
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

/**
 * The float64 explain tile when fused (relaxed SIMD): 2×4 streamed 20.5-20.7 GFLOP/s vs 18.7-19.0
 * for 4×2 (CPU time, 16 × 10,000 gathered × 768; both ~23 in cache); 3×4, 2×5, 2×6, 2×2, 4×1
 * 10-12.
 */
export const F64_FUSED_GEMM_TILE: GemmTile = { rows: 2, cols: 4 };

/**
 * The explain kernels' code generation (gram-kernel.ts turns `fused` off for 'f32'). Measured in
 * CPU time on the 2-core Zen 5 box, Node 20. Single query, 'f64-mixed', 10,000 gathered rows × 768
 * streamed, median of 21: 1×4 mul+add 2.6-2.7 ms, 1×8 1.8-2.0, 1×8 fused 1.6-1.9, 1×8 fused 2
 * steps 1.6-1.9 (1×12 and 1×6 no better, 4 or 8 steps slower, a read-ahead touch of the next
 * column group 1.6× slower); in cache the last takes 0.96 ms, so it is compute-bound. V8 compiles
 * each float64 step to `vcvtps2pd xmm, [mem]` + `vfmadd231pd`. Batched 16 × 10,000 × 768, 4×2
 * tile: fused (without the read-ahead touch) 18.3-19.3 GFLOP/s vs 15; in cache 22-23 vs 19. 'f32' 2×4: no faster fused (35
 * GFLOP/s streamed, 47 in cache, at 2 FMA units × 128 bits × ~3.5 GHz = 56 peak).
 */
export const EXPLAIN_KERNEL_VARIANT: KernelVariant = { fused: true, gemvCols: 8, gemvUnroll: 2 };

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * Instantiates a fresh kernel with its own memory, or returns null where WebAssembly SIMD is
 * unavailable (callers then use the scalar `gemmNtF32`).
 *
 * @example
 * const k = createWasmGemmF32('f64');
 * if (k) k.gemm(2, 4, 16, 0, 16, 32, 16, 128, 32);
 */
export function createWasmGemmF32(acc: Accumulation = 'f64', tile: GemmTile = DEFAULT_GEMM_TILE, variant: Partial<KernelVariant> = {}): WasmGemmF32 | null {
  const key = `${acc} ${tile.rows}x${tile.cols} ${variant.fused === true && wasmRelaxedSimd()} ${variant.gemvCols ?? GEMV_TILE_COLS} ${variant.gemvUnroll ?? 1}`;
  let mod = compiled.get(key);
  if (mod === undefined) {
    const bytes = wasmGemmF32Bytes(acc, tile, variant);
    mod = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    compiled.set(key, mod);
  }
  if (mod === null) return null;
  const instance = new WebAssembly.Instance(mod, {});
  const exports = instance.exports as Omit<WasmGemmF32, 'memory'> & { mem: WebAssembly.Memory };
  return { memory: exports.mem, gemm: exports.gemm, gemmIdx: exports.gemmIdx, gemv: exports.gemv, gemvIdx: exports.gemvIdx, touch: exports.touch };
}
