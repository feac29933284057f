/**
 * A WebAssembly SIMD (128-bit) `C = A · Bᵀ` kernel for float32 operands, assembled here from
 * bytes (no toolchain, no binary blob). 2×4 register block of f32x4 accumulators; each lane sums
 * k/4 products in FLOAT32, the four lanes are added in float64 at the end. That is ~4× the scalar
 * kernel's throughput but float32 accumulation (the DualXDA reference itself computes in float32
 * torch), so callers opt in.
 *
 * Contract of the exported `gemm(m, n, kBytes, a, lda, b, ldb, c, ldc)` (all byte offsets/strides
 * into the module's own memory): m even and > 0, n a multiple of 4 and > 0, kBytes a multiple of
 * 16 and > 0 (kBytes counts float64 bytes for 'f64-operands'); writes float64 results. Callers pad
 * rows with zeros to meet it.
 */

/** The instantiated kernel and its memory. */
export interface WasmGemmF32 {
  memory: WebAssembly.Memory;
  gemm: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
  /** Like `gemm`, but output column j uses row `idx[j]` of B (`idx`: byte offset of an i32 table, n entries). */
  gemmIdx: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, idx: number) => void;
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  localGet: (i: number) => [0x20, i],
  localSet: (i: number) => [0x21, i],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  loop: [0x03, 0x40],
  brIf0: [0x0d, 0x00],
  end: [0x0b],
  v128Load: (offset: number) => [0xfd, 0x00, 0x02, ...uleb(offset)], // align 2^2
  v128Load64Zero: (offset: number) => [0xfd, 0x5d, 0x02, ...uleb(offset)],
  f64x2PromoteLow: [0xfd, 0x5f],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  extract64: (lane: number) => [0xfd, 0x21, lane],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  extract: (lane: number) => [0xfd, 0x1f, lane],
  f64Promote: [0xbb],
  f64Add: [0xa0],
  f64Store: (offset: number) => [0x39, 0x03, ...uleb(offset)],
  i32Load: (offset: number) => [0x28, 0x02, ...uleb(offset)],
};

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

// Locals: params 0..8 = m, n, kb, a, lda, b, ldb, c, ldc (gemmIdx: 9 = idx); then i32 I, J, P, CP,
// A_0..A_{mr-1}, B_0..B_{nr-1}; then v128 accumulators (mr × nr), X_0..X_{mr-1}, Y.
const [M, N, KB, A, LDA, B, LDB, C, LDC, IDX] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * 'f32': f32x4 accumulation, 16 bytes per step; 'f64': each pair of floats promoted to f64x2;
 * 'f64-operands': both operands already float64 in memory (same lanes and order as 'f64', so
 * bitwise the same results; 13% faster in cache, but 2× the memory traffic, so explain keeps 'f64').
 */
export type Accumulation = 'f32' | 'f64' | 'f64-operands';

/** Register tile: rows of A × rows of B per inner loop (m must be a multiple of rows, n of cols). */
export interface GemmTile {
  rows: number;
  cols: number;
}

function body(acc: Accumulation, { rows: mr, cols: nr }: GemmTile, gather: boolean): number[] {
  const l0 = gather ? 10 : 9;
  const [I, J, P, CP] = [l0, l0 + 1, l0 + 2, l0 + 3];
  const An = (r: number): number => l0 + 4 + r;
  const Bn = (q: number): number => l0 + 4 + mr + q;
  const v0 = l0 + 4 + mr + nr;
  const ACC = (r: number, q: number): number => v0 + r * nr + q;
  const X = (r: number): number => v0 + mr * nr + r;
  const Y = v0 + mr * nr + mr;
  const step = acc === 'f64' ? 8 : 16;
  const load = acc === 'f64' ? [...op.v128Load64Zero(0), ...op.f64x2PromoteLow] : op.v128Load(0);
  const mul = acc === 'f32' ? op.f32x4Mul : op.f64x2Mul;
  const add = acc === 'f32' ? op.f32x4Add : op.f64x2Add;
  const b: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (typeof p === 'number') b.push(p);
      else b.push(...p);
    }
  };
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
  emit(op.i32Const(0), op.localSet(P));
  emit(op.loop); // shared dimension, `step` bytes per iteration
  // (Unrolling this loop 2-8× measured slower under Node 20's V8: more live values, spills.)
  for (let r = 0; r < mr; r++) emit(op.localGet(An(r)), op.localGet(P), op.i32Add, load, op.localSet(X(r)));
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

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** The module bytes (exported for inspection in tests). */
export function wasmGemmF32Bytes(acc: Accumulation, tile: GemmTile = DEFAULT_GEMM_TILE): Uint8Array<ArrayBuffer> {
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const locals = [2, 4 + tile.rows + tile.cols, I32, tile.rows * tile.cols + tile.rows + 1, V128];
  const code = (gather: boolean): number[] => {
    const c = [...locals, ...body(acc, tile, gather)];
    return [...uleb(c.length), ...c];
  };
  const fnType = (params: number): number[] => [0x60, params, ...new Array<number>(params).fill(I32), 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...fnType(9), ...fnType(10)]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('gemm'), 0x00, 0, ...name('gemmIdx'), 0x00, 1, ...name('mem'), 0x02, 0]),
    ...section(10, [2, ...code(false), ...code(true)]),
  ]);
}

/**
 * The tile the explain kernel uses: 2×4 measured fastest (CPU time, in-cache 64 × 240 × 768 on
 * the 2-core EPYC box): f32 30 GFLOPS vs 19-22 for 3×4, 4×3, 2×6 and 8 for 4×4 (V8 spills past
 * 16 xmm registers).
 */
export const DEFAULT_GEMM_TILE: GemmTile = { rows: 2, cols: 4 };

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
  const exports = instance.exports as { gemm: WasmGemmF32['gemm']; gemmIdx: WasmGemmF32['gemmIdx']; mem: WebAssembly.Memory };
  return { memory: exports.mem, gemm: exports.gemm, gemmIdx: exports.gemmIdx };
}
