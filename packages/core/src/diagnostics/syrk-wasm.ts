/**
 * WebAssembly SIMD kernel for the spectrum accumulator's block product (`syrkUpper`): out[i][j] =
 * Σ_p x_p[i] · x_p[j] over a block of m staged rows, for the upper triangle (and a few entries
 * below it, which callers ignore). Lanes run over output columns j, so each entry is the same
 * sequential sum over p as the scalar kernel's (product rounded, then added; no fused
 * multiply-add): bitwise its results. Measured in `fit`'s collapse report (60,000 × 80, 11
 * slots): the scalar kernel was 0.3 s of its worker's 0.6 s CPU.
 *
 * Memory: the block's rows p-major with stride dp (d padded to a multiple of 8 with zeros), then
 * the dp × dp output.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmGrowTo, wasmKernelModule } from '../linalg/wasm-asm.js';

const op = WASM_OP;

/** Largest padded dimension served (the output is dp² float64: 8 MiB at 1,024). */
export const SYRK_WASM_MAX_DIM = 1024;

// syrk(m, dp, st, out): params 0..3.
function body(): number[] {
  const [M, DP, ST, OUT] = [0, 1, 2, 3];
  const [I, J, P, ROW, RB, IB] = [4, 5, 6, 7, 8, 9];
  const ACC = (r: number, q: number): number => 10 + r * 4 + q;
  const [X0, X1, Y] = [18, 19, 20];
  const { bytes, emit } = createEmitter();
  emit(op.localGet(DP), op.i32Const(8), op.i32Mul, op.localSet(RB)); // row bytes
  emit(op.i32Const(0), op.localSet(I));
  emit(op.loop); // row pairs i, i + 1
  emit(op.localGet(I), op.i32Const(8), op.i32Mul, op.localSet(IB));
  emit(op.localGet(I), op.i32Const(3), op.i32ShrU, op.i32Const(3), op.i32Shl, op.localSet(J)); // ⌊i/8⌋·8
  emit(op.loop); // column blocks of 8
  for (let r = 0; r < 2; r++) for (let q = 0; q < 4; q++) emit(op.v128Zero, op.localSet(ACC(r, q)));
  emit(op.localGet(ST), op.localSet(ROW), op.i32Const(0), op.localSet(P));
  emit(op.loop); // rows p of the block, in order
  emit(op.localGet(ROW), op.localGet(IB), op.i32Add, op.f64Load(0), op.f64x2Splat, op.localSet(X0));
  emit(op.localGet(ROW), op.localGet(IB), op.i32Add, op.f64Load(8), op.f64x2Splat, op.localSet(X1));
  for (let q = 0; q < 4; q++) {
    emit(op.localGet(ROW), op.localGet(J), op.i32Const(8), op.i32Mul, op.i32Add, op.v128Load(16 * q), op.localSet(Y));
    emit(op.localGet(ACC(0, q)), op.localGet(X0), op.localGet(Y), op.f64x2Mul, op.f64x2Add, op.localSet(ACC(0, q)));
    emit(op.localGet(ACC(1, q)), op.localGet(X1), op.localGet(Y), op.f64x2Mul, op.f64x2Add, op.localSet(ACC(1, q)));
  }
  emit(op.localGet(ROW), op.localGet(RB), op.i32Add, op.localSet(ROW));
  emit(op.localGet(P), op.i32Const(1), op.i32Add, op.localSet(P));
  emit(op.localGet(P), op.localGet(M), op.i32LtU, op.brIf0, op.end);
  for (let r = 0; r < 2; r++) {
    for (let q = 0; q < 4; q++) {
      // out[(i + r)·dp + j + 2q]
      emit(op.localGet(OUT), op.localGet(I), op.i32Const(r), op.i32Add, op.localGet(RB), op.i32Mul, op.i32Add, op.localGet(J), op.i32Const(8), op.i32Mul, op.i32Add);
      emit(op.localGet(ACC(r, q)), op.v128Store(16 * q));
    }
  }
  emit(op.localGet(J), op.i32Const(8), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(DP), op.i32LtU, op.brIf0, op.end);
  emit(op.localGet(I), op.i32Const(2), op.i32Add, op.localSet(I));
  emit(op.localGet(I), op.localGet(DP), op.i32LtU, op.brIf0, op.end);
  emit(op.end);
  return bytes;
}

let compiled: WebAssembly.Module | null | undefined;

/** A kernel for blocks of up to `rows` staged rows of dimension d, or null (no SIMD, d too large). */
export interface SyrkWasm {
  /** Stride of a staged row (d rounded up to a multiple of 8). */
  dp: number;
  /** The staging area: `rows` rows of dp values (pad columns stay 0). */
  stage: Float64Array;
  /** moment[i·d + j] += Σ_{p<m} stage[p][i]·stage[p][j] for j ≥ i (upper triangle only). */
  addUpper(m: number, d: number, moment: Float64Array): void;
}

export function createSyrkWasm(d: number, rows: number): SyrkWasm | null {
  const dp = Math.ceil(d / 8) * 8;
  if (dp > SYRK_WASM_MAX_DIM || typeof WebAssembly !== 'object') return null;
  if (compiled === undefined) {
    const bytes = wasmKernelModule([{ name: 'syrk', params: 4, locals: [2, 6, WASM_I32, 11, WASM_V128], body: body() }]);
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (compiled === null) return null;
  const inst = new WebAssembly.Instance(compiled, {});
  const memory = inst.exports.mem as WebAssembly.Memory;
  const stBytes = rows * dp * 8;
  const need = stBytes + dp * dp * 8;
  wasmGrowTo(memory, need);
  const stage = new Float64Array(memory.buffer, 0, rows * dp);
  const out = new Float64Array(memory.buffer, stBytes, dp * dp);
  const syrk = inst.exports.syrk as (m: number, dp: number, st: number, out: number) => void;
  return {
    dp,
    stage,
    addUpper(m, dd, moment) {
      if (m === 0) return;
      syrk(m, dp, 0, stBytes);
      for (let i = 0; i < dd; i++) {
        const o = i * dp, w = i * dd;
        for (let j = i; j < dd; j++) moment[w + j] = (moment[w + j] as number) + (out[o + j] as number);
      }
    },
  };
}
