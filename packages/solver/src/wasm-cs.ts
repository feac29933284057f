/**
 * WebAssembly SIMD kernels for the two O(K·D) steps of a Crammer–Singer coordinate update (issue
 * 17 item 3): the K dot products w̃_m · x̃ of one row and the rank-1 update w̃_m += Δα_m x̃. V8 does
 * not vectorise JavaScript, so these ran as scalar loops (≈ 80 % of the solve on real features).
 *
 * Memory (one module per solver state, sized once, never grown after the views are taken):
 * W̃ (K × D float64, row-major, the layout of the caller's W̃), then the current row x̃ as float64
 * (D values, the bias last), the class list (K int32) and the values (K float64).
 *
 * Order of each dot product (fixed, so results do not depend on which classes are active or how
 * they are grouped): four f64x2 accumulators take the elements j mod 8 ∈ {0,1}, {2,3}, {4,5},
 * {6,7} of the first ⌊D/8⌋·8 elements (products rounded, then added: no fused multiply-add, so
 * every engine gives the same bits); then (acc0 + acc1) + (acc2 + acc3), lane 0 + lane 1; then
 * the remaining elements one at a time in order, so the bias term comes last, as in LIBLINEAR.
 * This differs from LIBLINEAR's single running sum by float64 rounding only. The rank-1 update is
 * elementwise (w + Δα·x, rounded twice), so it equals the scalar loop bit for bit.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmKernelModule } from '@dualxda/core';

const op = WASM_OP;
const f64Load = (offset: number): number[] => [0x2b, 0x03, offset];
const f64x2Splat = [0xfd, 0x14];
const f64Mul = [0xa2];
const i32Eqz = [0x45];
const block = [0x02, 0x40];
const brIf = (depth: number): number[] => [0x0d, depth];

/** Accumulators per class and elements per iteration of the vector loop. */
const ACCS = 4;
const STEP = 2 * ACCS;

// dots(act, D, w, x, cls, out) / axpy(nz, D, w, x, cls, val): params 0..5.
const [CNT, DIM, W, X, CLS, OUT] = [0, 1, 2, 3, 4, 5];

/**
 * `dots`: out[m] = W̃[cls[m]] · x̃ for m < act (act ≥ 1), two classes per group sharing each load
 * of x̃, then a last single class when act is odd. Locals: i32 M, J, VEND (bytes of the vector
 * part), RA, RB (row offsets), END; f64 S; v128 X, ACC_A[4], ACC_B[4].
 */
function dotsBody(): number[] {
  const [M, J, VEND, RA, RB, END] = [6, 7, 8, 9, 10, 11];
  const S = 12;
  const XV = 13;
  const accA = (k: number): number => 14 + k;
  const accB = (k: number): number => 14 + ACCS + k;
  const { bytes, emit } = createEmitter();
  const rowOf = (slot: number, target: number): void => {
    emit(op.localGet(W), op.localGet(CLS), op.localGet(M), op.i32Const(slot), op.i32Add, op.i32Const(4), op.i32Mul, op.i32Add, op.i32Load(0));
    emit(op.localGet(DIM), op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(target));
  };
  // The class's scalar tail and store: s = Σ lanes, then elements VEND.. in order.
  const finish = (acc: (k: number) => number, row: number, slot: number): void => {
    emit(op.localGet(acc(0)), op.localGet(acc(1)), op.f64x2Add, op.localGet(acc(2)), op.localGet(acc(3)), op.f64x2Add, op.f64x2Add, op.localSet(XV));
    emit(op.localGet(XV), op.extract64(0), op.localGet(XV), op.extract64(1), op.f64Add, op.localSet(S));
    emit(op.localGet(VEND), op.localSet(J));
    emit(block, op.localGet(J), op.localGet(END), op.i32LtU, i32Eqz, brIf(0), op.loop);
    emit(op.localGet(S), op.localGet(row), op.localGet(J), op.i32Add, f64Load(0), op.localGet(X), op.localGet(J), op.i32Add, f64Load(0), f64Mul, op.f64Add, op.localSet(S));
    emit(op.localGet(J), op.i32Const(8), op.i32Add, op.localSet(J));
    emit(op.localGet(J), op.localGet(END), op.i32LtU, op.brIf0, op.end, op.end);
    emit(op.localGet(OUT), op.localGet(M), op.i32Const(slot), op.i32Add, op.i32Const(8), op.i32Mul, op.i32Add, op.localGet(S), op.f64Store(0));
  };
  const vectorLoop = (two: boolean): void => {
    for (let k = 0; k < ACCS; k++) {
      emit(op.v128Zero, op.localSet(accA(k)));
      if (two) emit(op.v128Zero, op.localSet(accB(k)));
    }
    emit(op.i32Const(0), op.localSet(J));
    emit(block, op.localGet(VEND), i32Eqz, brIf(0), op.loop);
    for (let k = 0; k < ACCS; k++) {
      emit(op.localGet(X), op.localGet(J), op.i32Add, op.v128Load(16 * k), op.localSet(XV));
      emit(op.localGet(accA(k)), op.localGet(RA), op.localGet(J), op.i32Add, op.v128Load(16 * k), op.localGet(XV), op.f64x2Mul, op.f64x2Add, op.localSet(accA(k)));
      if (two) emit(op.localGet(accB(k)), op.localGet(RB), op.localGet(J), op.i32Add, op.v128Load(16 * k), op.localGet(XV), op.f64x2Mul, op.f64x2Add, op.localSet(accB(k)));
    }
    emit(op.localGet(J), op.i32Const(8 * STEP), op.i32Add, op.localSet(J));
    emit(op.localGet(J), op.localGet(VEND), op.i32LtU, op.brIf0, op.end, op.end);
  };
  emit(op.localGet(DIM), op.i32Const(8), op.i32Mul, op.localSet(END));
  emit(op.localGet(DIM), op.i32Const(STEP), op.i32DivU, op.i32Const(8 * STEP), op.i32Mul, op.localSet(VEND));
  emit(op.i32Const(0), op.localSet(M));
  // Pairs while M + 1 < act.
  emit(block, op.localGet(M), op.i32Const(1), op.i32Add, op.localGet(CNT), op.i32LtU, i32Eqz, brIf(0), op.loop);
  rowOf(0, RA);
  rowOf(1, RB);
  vectorLoop(true);
  finish(accA, RA, 0);
  finish(accB, RB, 1);
  emit(op.localGet(M), op.i32Const(2), op.i32Add, op.localSet(M));
  emit(op.localGet(M), op.i32Const(1), op.i32Add, op.localGet(CNT), op.i32LtU, op.brIf0, op.end, op.end);
  // The odd class out.
  emit(block, op.localGet(M), op.localGet(CNT), op.i32LtU, i32Eqz, brIf(0));
  rowOf(0, RA);
  vectorLoop(false);
  finish(accA, RA, 0);
  emit(op.end, op.end);
  return bytes;
}

/** `axpy`: W̃[cls[t]] += val[t] · x̃ for t < nz (nz may be 0). Locals: i32 T, J, VEND, R, END; v128 DV; f64 DS. */
function axpyBody(): number[] {
  const [T, J, VEND, R, END] = [6, 7, 8, 9, 10];
  const DV = 11;
  const DS = 12;
  const { bytes, emit } = createEmitter();
  emit(op.localGet(DIM), op.i32Const(8), op.i32Mul, op.localSet(END));
  emit(op.localGet(DIM), op.i32Const(2), op.i32DivU, op.i32Const(16), op.i32Mul, op.localSet(VEND));
  emit(op.i32Const(0), op.localSet(T));
  emit(block, op.localGet(CNT), i32Eqz, brIf(0), op.loop);
  emit(op.localGet(W), op.localGet(CLS), op.localGet(T), op.i32Const(4), op.i32Mul, op.i32Add, op.i32Load(0), op.localGet(DIM), op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(R));
  emit(op.localGet(OUT), op.localGet(T), op.i32Const(8), op.i32Mul, op.i32Add, f64Load(0), op.localSet(DS));
  emit(op.localGet(DS), f64x2Splat, op.localSet(DV));
  emit(op.i32Const(0), op.localSet(J));
  emit(block, op.localGet(VEND), i32Eqz, brIf(0), op.loop);
  emit(op.localGet(R), op.localGet(J), op.i32Add);
  emit(op.localGet(R), op.localGet(J), op.i32Add, op.v128Load(0), op.localGet(DV), op.localGet(X), op.localGet(J), op.i32Add, op.v128Load(0), op.f64x2Mul, op.f64x2Add);
  emit(op.v128Store(0));
  emit(op.localGet(J), op.i32Const(16), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(VEND), op.i32LtU, op.brIf0, op.end, op.end);
  // An odd D leaves its last element (the bias) to a scalar step.
  emit(block, op.localGet(VEND), op.localGet(END), op.i32LtU, i32Eqz, brIf(0));
  emit(op.localGet(R), op.localGet(VEND), op.i32Add);
  emit(op.localGet(R), op.localGet(VEND), op.i32Add, f64Load(0), op.localGet(DS), op.localGet(X), op.localGet(VEND), op.i32Add, f64Load(0), f64Mul, op.f64Add);
  emit(op.f64Store(0), op.end);
  emit(op.localGet(T), op.i32Const(1), op.i32Add, op.localSet(T));
  emit(op.localGet(T), op.localGet(CNT), op.i32LtU, op.brIf0, op.end, op.end);
  emit(op.end);
  return bytes;
}

let compiled: WebAssembly.Module | undefined;

/** The module bytes (exported for tests). */
export function wasmCsBytes(): Uint8Array<ArrayBuffer> {
  return wasmKernelModule([
    { name: 'dots', params: 6, locals: [3, 6, WASM_I32, 1, 0x7c, 1 + 2 * ACCS, WASM_V128], body: dotsBody() },
    { name: 'axpy', params: 6, locals: [3, 5, WASM_I32, 1, WASM_V128, 1, 0x7c], body: axpyBody() },
  ]);
}

/** A kernel instance and typed views of its memory regions. */
export interface WasmCs {
  /** W̃, K × D. */
  w: Float64Array;
  /** The current row x̃ (D values). */
  x: Float64Array;
  /** Class list: dots' classes, axpy's classes. */
  cls: Int32Array;
  /** dots' results; axpy's Δα values. */
  val: Float64Array;
  /** val's second buffer: axpy reads Δα here while `val` may hold G. */
  val2: Float64Array;
  dots(act: number): void;
  axpy(nz: number): void;
}

/** Creates a kernel for K classes of D = d + 1 values per row. */
export function createWasmCs(K: number, D: number): WasmCs {
  compiled ??= new WebAssembly.Module(wasmCsBytes());
  const inst = new WebAssembly.Instance(compiled, {});
  const memory = inst.exports.mem as WebAssembly.Memory;
  const align = (b: number): number => Math.ceil(b / 16) * 16;
  const wOff = 0;
  // The row region is padded to whole vector steps so that the vector loads never leave it.
  const xOff = align(wOff + K * D * 8);
  const clsOff = align(xOff + (D + STEP) * 8);
  const valOff = align(clsOff + K * 4);
  const val2Off = align(valOff + K * 8);
  const bytes = val2Off + K * 8;
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
  const buf = memory.buffer;
  const dots = inst.exports.dots as (...a: number[]) => void;
  const axpy = inst.exports.axpy as (...a: number[]) => void;
  return {
    w: new Float64Array(buf, wOff, K * D),
    x: new Float64Array(buf, xOff, D),
    cls: new Int32Array(buf, clsOff, K),
    val: new Float64Array(buf, valOff, K),
    val2: new Float64Array(buf, val2Off, K),
    dots: (act) => dots(act, D, wOff, xOff, clsOff, valOff),
    axpy: (nz) => axpy(nz, D, wOff, xOff, clsOff, val2Off),
  };
}
