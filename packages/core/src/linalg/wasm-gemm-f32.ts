/**
 * A WebAssembly SIMD (128-bit) `C = A · Bᵀ` kernel for float32 operands, assembled here from
 * bytes (no toolchain, no binary blob). 2×4 register block of f32x4 accumulators; each lane sums
 * k/4 products in FLOAT32, the four lanes are added in float64 at the end. That is ~4× the scalar
 * kernel's throughput but float32 accumulation (the DualXDA reference itself computes in float32
 * torch), so callers opt in.
 *
 * Contract of the exported `gemm(m, n, kBytes, a, lda, b, ldb, c, ldc)` (all byte offsets/strides
 * into the module's own memory): m even and > 0, n a multiple of 4 and > 0, kBytes a multiple of
 * 16 and > 0; writes float64 results. Callers pad rows with zeros to meet it.
 */

/** The instantiated kernel and its memory. */
export interface WasmGemmF32 {
  memory: WebAssembly.Memory;
  gemm: (m: number, n: number, kBytes: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
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
  v128Load: [0xfd, 0x00, 0x02, 0x00], // align 2^2, offset 0
  v128Load64Zero: [0xfd, 0x5d, 0x02, 0x00],
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

// Locals: params 0..8 = m, n, kb, a, lda, b, ldb, c, ldc.
const [M, N, KB, A, LDA, B, LDB, C, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [I, J, P, A0, A1, B0, CP] = [9, 10, 11, 12, 13, 14, 18]; // B1..B3 = 15..17
const ACC = (r: number, q: number): number => 19 + r * 4 + q; // 19..26
const [X0, X1, Y] = [27, 28, 29];

/** 'f32': f32x4 accumulation, 16 bytes per step; 'f64': each pair of floats promoted to f64x2. */
type Accumulation = 'f32' | 'f64';

function body(acc: Accumulation): number[] {
  const step = acc === 'f32' ? 16 : 8;
  const load = acc === 'f32' ? op.v128Load : [...op.v128Load64Zero, ...op.f64x2PromoteLow];
  const mul = acc === 'f32' ? op.f32x4Mul : op.f64x2Mul;
  const add = acc === 'f32' ? op.f32x4Add : op.f64x2Add;
  const b: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (typeof p === 'number') b.push(p);
      else b.push(...p);
    }
  };
  // Columns (4 support vectors) outer, row pairs inner: the 4 B rows stay in L1 while every test
  // row pair streams past them from L2.
  emit(op.loop); // columns, step 4
  emit(op.localGet(B), op.localGet(J), op.localGet(LDB), op.i32Mul, op.i32Add, op.localSet(B0));
  for (let q = 1; q < 4; q++) emit(op.localGet(B0 + q - 1), op.localGet(LDB), op.i32Add, op.localSet(B0 + q));
  emit(op.i32Const(0), op.localSet(I));
  emit(op.loop); // rows, step 2
  emit(op.localGet(A), op.localGet(I), op.localGet(LDA), op.i32Mul, op.i32Add, op.localSet(A0));
  emit(op.localGet(A0), op.localGet(LDA), op.i32Add, op.localSet(A1));
  for (let r = 0; r < 2; r++) for (let q = 0; q < 4; q++) emit(op.v128Zero, op.localSet(ACC(r, q)));
  emit(op.i32Const(0), op.localSet(P));
  emit(op.loop); // shared dimension, `step` bytes per iteration
  emit(op.localGet(A0), op.localGet(P), op.i32Add, load, op.localSet(X0));
  emit(op.localGet(A1), op.localGet(P), op.i32Add, load, op.localSet(X1));
  for (let q = 0; q < 4; q++) {
    emit(op.localGet(B0 + q), op.localGet(P), op.i32Add, load, op.localSet(Y));
    for (let r = 0; r < 2; r++) {
      emit(op.localGet(ACC(r, q)), op.localGet(r === 0 ? X0 : X1), op.localGet(Y), mul, add, op.localSet(ACC(r, q)));
    }
  }
  emit(op.localGet(P), op.i32Const(step), op.i32Add, op.localSet(P));
  emit(op.localGet(P), op.localGet(KB), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(C), op.localGet(I), op.localGet(LDC), op.i32Mul, op.i32Add, op.localGet(J), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(CP));
  for (let r = 0; r < 2; r++) {
    for (let q = 0; q < 4; q++) {
      emit(op.localGet(CP));
      if (r === 1) emit(op.localGet(LDC), op.i32Add);
      if (acc === 'f32') {
        emit(op.localGet(ACC(r, q)), op.extract(0), op.f64Promote);
        for (let lane = 1; lane < 4; lane++) emit(op.localGet(ACC(r, q)), op.extract(lane), op.f64Promote, op.f64Add);
      } else {
        emit(op.localGet(ACC(r, q)), op.extract64(0), op.localGet(ACC(r, q)), op.extract64(1), op.f64Add);
      }
      emit(op.f64Store(q * 8));
    }
  }
  emit(op.localGet(I), op.i32Const(2), op.i32Add, op.localSet(I));
  emit(op.localGet(I), op.localGet(M), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(J), op.i32Const(4), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(N), op.i32LtU, op.brIf0, op.end);
  emit(op.end);
  return b;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** The module bytes (exported for inspection in tests). */
export function wasmGemmF32Bytes(acc: Accumulation): Uint8Array<ArrayBuffer> {
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const locals = [2, 10, I32, 11, V128];
  const code = [...locals, ...body(acc)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 9, ...new Array<number>(9).fill(I32), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('gemm'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

const compiled = new Map<Accumulation, WebAssembly.Module | null>();

/**
 * Instantiates a fresh kernel with its own memory, or returns null where WebAssembly SIMD is
 * unavailable (callers then use the scalar `gemmNtF32`).
 *
 * @example
 * const k = createWasmGemmF32('f64');
 * if (k) k.gemm(2, 4, 16, 0, 16, 32, 16, 128, 32);
 */
export function createWasmGemmF32(acc: Accumulation = 'f64'): WasmGemmF32 | null {
  let mod = compiled.get(acc);
  if (mod === undefined) {
    const bytes = wasmGemmF32Bytes(acc);
    mod = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    compiled.set(acc, mod);
  }
  if (mod === null) return null;
  const instance = new WebAssembly.Instance(mod, {});
  const exports = instance.exports as { gemm: WasmGemmF32['gemm']; mem: WebAssembly.Memory };
  return { memory: exports.mem, gemm: exports.gemm };
}
