/**
 * A WebAssembly SIMD (128-bit) float32 `C = A · B` kernel, assembled here from bytes (no toolchain,
 * no binary blob), for the attention products. Why not tfjs: its wasm backend reaches ~1 GFLOPS on
 * batched and on fresh (non-weight) operands, which every attention product is, while this kernel
 * runs at ~15-25 GFLOPS. Same scheme as @dualxda/core's explain GEMM, but laid out for row-major
 * `B` (no transpose of the common operand) and writing float32.
 *
 * Register tile: 4 rows of A × 8 columns of B (two f32x4 per row; 8 accumulators + 2 B vectors +
 * 1 broadcast A value fit the 16 xmm registers V8 allocates). Each output is summed over the shared
 * dimension in order, `acc = acc + a·b` with one float32 rounding per multiply and per add (no
 * fused multiply-add, no pairwise reordering), i.e. the textbook float32 loop.
 *
 * Contract of the exported `gemm(m, n, kBytes, a, lda, b, ldb, c, ldc)` (byte offsets and byte
 * strides into the module's own memory `mem`): m a multiple of 4, n a multiple of 8, kBytes a
 * multiple of 4; all > 0. Callers pad with zeros to meet it (see `batch-matmul.ts`).
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmKernelModule } from '@dualxda/core';

const op = WASM_OP;
/** 16-byte alignment hint: the kernel's B rows and C rows are 16-byte aligned (callers pad). */
const ALIGN16 = 4;

/** Rows of A and columns of B per register tile (the contract's multiples). */
export const GEMM_ROWS = 4;
export const GEMM_COLS = 8;

// Params 0..8 = m, n, kb, a, lda, b, ldb, c, ldc; i32 locals I, J, P, BP, CP, A_0..A_3; v128
// locals ACC(r, 0..1), X, Y0, Y1.
const [M, N, KB, A, LDA, B, LDB, C, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [I, J, P, BP, CP] = [9, 10, 11, 12, 13];
const An = (r: number): number => 14 + r;
const ACC = (r: number, q: number): number => 14 + GEMM_ROWS + r * 2 + q;
const X = 14 + GEMM_ROWS + GEMM_ROWS * 2;
const [Y0, Y1] = [X + 1, X + 2];

/** `accumulate`: each tile starts from C's values instead of zero (continuing an in-order sum). */
function body(accumulate: boolean): number[] {
  const { bytes: b, emit } = createEmitter();
  emit(op.i32Const(0), op.localSet(I));
  emit(op.loop); // row tiles of A, step 4
  emit(op.localGet(A), op.localGet(I), op.localGet(LDA), op.i32Mul, op.i32Add, op.localSet(An(0)));
  for (let r = 1; r < GEMM_ROWS; r++) emit(op.localGet(An(r - 1)), op.localGet(LDA), op.i32Add, op.localSet(An(r)));
  emit(op.i32Const(0), op.localSet(J));
  emit(op.loop); // column tiles of B, step 8 floats (32 bytes)
  if (accumulate) {
    emit(op.localGet(C), op.localGet(I), op.localGet(LDC), op.i32Mul, op.i32Add, op.localGet(J), op.i32Add, op.localSet(CP));
    for (let r = 0; r < GEMM_ROWS; r++) {
      for (let q = 0; q < 2; q++) emit(op.localGet(CP), op.v128Load(q * 16, ALIGN16), op.localSet(ACC(r, q)));
      if (r + 1 < GEMM_ROWS) emit(op.localGet(CP), op.localGet(LDC), op.i32Add, op.localSet(CP));
    }
  } else for (let r = 0; r < GEMM_ROWS; r++) for (let q = 0; q < 2; q++) emit(op.v128Zero, op.localSet(ACC(r, q)));
  emit(op.localGet(B), op.localGet(J), op.i32Add, op.localSet(BP));
  emit(op.i32Const(0), op.localSet(P));
  emit(op.loop); // shared dimension, one float (4 bytes of A, one row of B) per step
  emit(op.localGet(BP), op.v128Load(0, ALIGN16), op.localSet(Y0), op.localGet(BP), op.v128Load(16, ALIGN16), op.localSet(Y1));
  for (let r = 0; r < GEMM_ROWS; r++) {
    emit(op.localGet(An(r)), op.localGet(P), op.i32Add, op.f32Load, op.f32x4Splat, op.localSet(X));
    emit(op.localGet(ACC(r, 0)), op.localGet(X), op.localGet(Y0), op.f32x4Mul, op.f32x4Add, op.localSet(ACC(r, 0)));
    emit(op.localGet(ACC(r, 1)), op.localGet(X), op.localGet(Y1), op.f32x4Mul, op.f32x4Add, op.localSet(ACC(r, 1)));
  }
  emit(op.localGet(BP), op.localGet(LDB), op.i32Add, op.localSet(BP));
  emit(op.localGet(P), op.i32Const(4), op.i32Add, op.localSet(P));
  emit(op.localGet(P), op.localGet(KB), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(C), op.localGet(I), op.localGet(LDC), op.i32Mul, op.i32Add, op.localGet(J), op.i32Add, op.localSet(CP));
  for (let r = 0; r < GEMM_ROWS; r++) {
    for (let q = 0; q < 2; q++) emit(op.localGet(CP), op.localGet(ACC(r, q)), op.v128Store(q * 16, ALIGN16));
    if (r + 1 < GEMM_ROWS) emit(op.localGet(CP), op.localGet(LDC), op.i32Add, op.localSet(CP));
  }
  emit(op.localGet(J), op.i32Const(GEMM_COLS * 4), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(N), op.i32Const(4), op.i32Mul, op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(I), op.i32Const(GEMM_ROWS), op.i32Add, op.localSet(I));
  emit(op.localGet(I), op.localGet(M), op.i32LtU, op.brIf0, op.end);
  emit(op.end);
  return b;
}

/** The module bytes (exported for inspection in tests). */
export function wasmGemmNnBytes(): Uint8Array<ArrayBuffer> {
  const locals = [2, 5 + GEMM_ROWS, WASM_I32, GEMM_ROWS * 2 + 3, WASM_V128];
  return wasmKernelModule([
    { name: 'gemm', params: 9, locals, body: body(false) },
    { name: 'gemmAcc', params: 9, locals, body: body(true) },
  ]);
}

/** The instantiated kernel and its memory (grown by the caller). */
export interface WasmGemmNn {
  memory: WebAssembly.Memory;
  gemm: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
  /** `C += A · B` with the same contract: each output's in-order sum continues from C's value. */
  gemmAcc: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * Instantiates the kernel with its own memory, or returns null where WebAssembly SIMD is
 * unavailable (callers then use tfjs's matMul).
 *
 * @example
 * const k = createWasmGemmNn();
 * if (k) k.gemm(4, 8, 16, 0, 16, 64, 32, 256, 32);
 */
export function createWasmGemmNn(): WasmGemmNn | null {
  if (compiled === undefined) {
    const bytes = wasmGemmNnBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (compiled === null) return null;
  const exports = new WebAssembly.Instance(compiled, {}).exports as { gemm: WasmGemmNn['gemm']; gemmAcc: WasmGemmNn['gemmAcc']; mem: WebAssembly.Memory };
  return { memory: exports.mem, gemm: exports.gemm, gemmAcc: exports.gemmAcc };
}
