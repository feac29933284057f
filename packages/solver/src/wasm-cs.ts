/**
 * WebAssembly SIMD kernels for the two O(K·D) steps of a Crammer–Singer coordinate update (issue
 * 17 item 3): the K dot products w̃_m · x̃ of one row and the rank-1 update w̃_m += Δα_m x̃. V8 does
 * not vectorise JavaScript, so these ran as scalar loops (≈ 80 % of the solve on real features).
 *
 * Memory (one instance per solver state): W̃ (K × D float64, row-major, the layout of the caller's
 * W̃), the current row x as float64 (the dx = D − 1 features) for the copy path, the bias value,
 * the class list (K int32) and the values (K float64). The instance has a memory of its own, or,
 * when the state's rows were allocated by `allocateSolverRows` (row-memory.ts), it imports that
 * shared memory, puts its regions above the rows, and reads each float32 row in place (`dotsAt`,
 * `axpyAt`: promoted exactly on load) instead of a copy.
 *
 * Order of each dot product (fixed, so results do not depend on which classes are active, how
 * they are grouped or whether the row was copied): four f64x2 accumulators take the features
 * j mod 8 ∈ {0,1}, {2,3}, {4,5}, {6,7} of the first ⌊dx/8⌋·8 features (products rounded, then
 * added: no fused multiply-add, so every engine gives the same bits); then (acc0 + acc1) +
 * (acc2 + acc3), lane 0 + lane 1; then the remaining features one at a time in order; then the
 * bias term, last as in LIBLINEAR.
 * This differs from LIBLINEAR's single running sum by float64 rounding only. The rank-1 update is
 * elementwise (w + Δα·x, rounded twice), so it equals the scalar loop bit for bit.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmGrowTo, wasmKernelModule } from '@dualxda/core';
import type { Rows } from './gradients.js';
import { rowMemoryOf } from './row-memory.js';

const op = WASM_OP;
type Emit = (...p: (number | readonly number[])[]) => void;

/** Accumulators per class and features per iteration of the vector loop. */
const ACCS = 4;
const STEP = 2 * ACCS;

// dots(act, dx, w, x, cls, out, bias) / axpy(nz, dx, w, x, cls, val, bias): params 0..6, byte
// offsets; `bias` points at the float64 bias value; W̃ rows hold dx + 1 values, the bias weight last.
const [CNT, DX, W, X, CLS, OUT, BIAS] = [0, 1, 2, 3, 4, 5, 6];

/** The feature pair at float64 byte J (+ off) of a float64 row, or at byte J/2 (+ off/2) of a float32 row, promoted. */
function loadPair(emit: Emit, xf32: boolean, J: number, off: number): void {
  if (xf32) emit(op.localGet(X), op.localGet(J), op.i32Const(1), op.i32ShrU, op.i32Add, op.v128Load64Zero(off / 2), op.f64x2PromoteLow);
  else emit(op.localGet(X), op.localGet(J), op.i32Add, op.v128Load(off));
}

function loadOne(emit: Emit, xf32: boolean, J: number): void {
  if (xf32) emit(op.localGet(X), op.localGet(J), op.i32Const(1), op.i32ShrU, op.i32Add, op.f32Load, op.f64Promote);
  else emit(op.localGet(X), op.localGet(J), op.i32Add, op.f64Load(0));
}

/**
 * `dots`: out[m] = W̃[cls[m]] · x̃ for m < act, two classes per group sharing each load of x,
 * then a last single class when act is odd. Locals: i32 M, J, VEND (bytes of the vector part,
 * in float64 units), RA, RB (row offsets), END (dx · 8); f64 S; v128 XV, ACC_A[4], ACC_B[4].
 */
function dotsBody(xf32: boolean): number[] {
  const [M, J, VEND, RA, RB, END] = [7, 8, 9, 10, 11, 12];
  const S = 13;
  const XV = 14;
  const accA = (k: number): number => 15 + k;
  const accB = (k: number): number => 15 + ACCS + k;
  const { bytes, emit } = createEmitter();
  const rowOf = (slot: number, target: number): void => {
    emit(op.localGet(W), op.localGet(CLS), op.localGet(M), op.i32Const(slot), op.i32Add, op.i32Const(4), op.i32Mul, op.i32Add, op.i32Load(0));
    emit(op.localGet(DX), op.i32Const(1), op.i32Add, op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(target));
  };
  // The class's scalar tail and store: s = Σ lanes, then features VEND.. in order, then the bias.
  const finish = (acc: (k: number) => number, row: number, slot: number): void => {
    emit(op.localGet(acc(0)), op.localGet(acc(1)), op.f64x2Add, op.localGet(acc(2)), op.localGet(acc(3)), op.f64x2Add, op.f64x2Add, op.localSet(XV));
    emit(op.localGet(XV), op.extract64(0), op.localGet(XV), op.extract64(1), op.f64Add, op.localSet(S));
    emit(op.localGet(VEND), op.localSet(J));
    emit(op.block, op.localGet(J), op.localGet(END), op.i32LtU, op.i32Eqz, op.brIf(0), op.loop);
    emit(op.localGet(S), op.localGet(row), op.localGet(J), op.i32Add, op.f64Load(0));
    loadOne(emit, xf32, J);
    emit(op.f64Mul, op.f64Add, op.localSet(S));
    emit(op.localGet(J), op.i32Const(8), op.i32Add, op.localSet(J));
    emit(op.localGet(J), op.localGet(END), op.i32LtU, op.brIf0, op.end, op.end);
    emit(op.localGet(S), op.localGet(row), op.localGet(END), op.i32Add, op.f64Load(0), op.localGet(BIAS), op.f64Load(0), op.f64Mul, op.f64Add, op.localSet(S));
    emit(op.localGet(OUT), op.localGet(M), op.i32Const(slot), op.i32Add, op.i32Const(8), op.i32Mul, op.i32Add, op.localGet(S), op.f64Store(0));
  };
  const vectorLoop = (two: boolean): void => {
    for (let k = 0; k < ACCS; k++) {
      emit(op.v128Zero, op.localSet(accA(k)));
      if (two) emit(op.v128Zero, op.localSet(accB(k)));
    }
    emit(op.i32Const(0), op.localSet(J));
    emit(op.block, op.localGet(VEND), op.i32Eqz, op.brIf(0), op.loop);
    for (let k = 0; k < ACCS; k++) {
      loadPair(emit, xf32, J, 16 * k);
      emit(op.localSet(XV));
      emit(op.localGet(accA(k)), op.localGet(RA), op.localGet(J), op.i32Add, op.v128Load(16 * k), op.localGet(XV), op.f64x2Mul, op.f64x2Add, op.localSet(accA(k)));
      if (two) emit(op.localGet(accB(k)), op.localGet(RB), op.localGet(J), op.i32Add, op.v128Load(16 * k), op.localGet(XV), op.f64x2Mul, op.f64x2Add, op.localSet(accB(k)));
    }
    emit(op.localGet(J), op.i32Const(8 * STEP), op.i32Add, op.localSet(J));
    emit(op.localGet(J), op.localGet(VEND), op.i32LtU, op.brIf0, op.end, op.end);
  };
  emit(op.localGet(DX), op.i32Const(8), op.i32Mul, op.localSet(END));
  emit(op.localGet(DX), op.i32Const(STEP), op.i32DivU, op.i32Const(8 * STEP), op.i32Mul, op.localSet(VEND));
  emit(op.i32Const(0), op.localSet(M));
  // Pairs while M + 1 < act.
  emit(op.block, op.localGet(M), op.i32Const(1), op.i32Add, op.localGet(CNT), op.i32LtU, op.i32Eqz, op.brIf(0), op.loop);
  rowOf(0, RA);
  rowOf(1, RB);
  vectorLoop(true);
  finish(accA, RA, 0);
  finish(accB, RB, 1);
  emit(op.localGet(M), op.i32Const(2), op.i32Add, op.localSet(M));
  emit(op.localGet(M), op.i32Const(1), op.i32Add, op.localGet(CNT), op.i32LtU, op.brIf0, op.end, op.end);
  // The odd class out.
  emit(op.block, op.localGet(M), op.localGet(CNT), op.i32LtU, op.i32Eqz, op.brIf(0));
  rowOf(0, RA);
  vectorLoop(false);
  finish(accA, RA, 0);
  emit(op.end, op.end);
  return bytes;
}

/** `axpy`: W̃[cls[t]] += val[t] · x̃ for t < nz (nz may be 0). Locals: i32 T, J, VEND, R, END; v128 DV; f64 DS. */
function axpyBody(xf32: boolean): number[] {
  const [T, J, VEND, R, END] = [7, 8, 9, 10, 11];
  const DV = 12;
  const DS = 13;
  const { bytes, emit } = createEmitter();
  emit(op.localGet(DX), op.i32Const(8), op.i32Mul, op.localSet(END));
  emit(op.localGet(DX), op.i32Const(2), op.i32DivU, op.i32Const(16), op.i32Mul, op.localSet(VEND));
  emit(op.i32Const(0), op.localSet(T));
  emit(op.block, op.localGet(CNT), op.i32Eqz, op.brIf(0), op.loop);
  emit(op.localGet(W), op.localGet(CLS), op.localGet(T), op.i32Const(4), op.i32Mul, op.i32Add, op.i32Load(0), op.localGet(DX), op.i32Const(1), op.i32Add, op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(R));
  emit(op.localGet(OUT), op.localGet(T), op.i32Const(8), op.i32Mul, op.i32Add, op.f64Load(0), op.localSet(DS));
  emit(op.localGet(DS), op.f64x2Splat, op.localSet(DV));
  emit(op.i32Const(0), op.localSet(J));
  emit(op.block, op.localGet(VEND), op.i32Eqz, op.brIf(0), op.loop);
  emit(op.localGet(R), op.localGet(J), op.i32Add);
  emit(op.localGet(R), op.localGet(J), op.i32Add, op.v128Load(0), op.localGet(DV));
  loadPair(emit, xf32, J, 0);
  emit(op.f64x2Mul, op.f64x2Add, op.v128Store(0));
  emit(op.localGet(J), op.i32Const(16), op.i32Add, op.localSet(J));
  emit(op.localGet(J), op.localGet(VEND), op.i32LtU, op.brIf0, op.end, op.end);
  // An odd dx leaves its last feature to a scalar step.
  emit(op.block, op.localGet(VEND), op.localGet(END), op.i32LtU, op.i32Eqz, op.brIf(0));
  emit(op.localGet(R), op.localGet(VEND), op.i32Add);
  emit(op.localGet(R), op.localGet(VEND), op.i32Add, op.f64Load(0), op.localGet(DS));
  loadOne(emit, xf32, VEND);
  emit(op.f64Mul, op.f64Add, op.f64Store(0), op.end);
  // The bias weight.
  emit(op.localGet(R), op.localGet(END), op.i32Add);
  emit(op.localGet(R), op.localGet(END), op.i32Add, op.f64Load(0), op.localGet(DS), op.localGet(BIAS), op.f64Load(0), op.f64Mul, op.f64Add, op.f64Store(0));
  emit(op.localGet(T), op.i32Const(1), op.i32Add, op.localSet(T));
  emit(op.localGet(T), op.localGet(CNT), op.i32LtU, op.brIf0, op.end, op.end);
  emit(op.end);
  return bytes;
}

const compiled = new Map<boolean, WebAssembly.Module>();

/**
 * The module bytes (exported for tests): `dots` / `axpy` read a float64 row copied into the
 * instance, `dots32` / `axpy32` a float32 row at any address; `imported` = the shared-memory form.
 */
export function wasmCsBytes(imported = false): Uint8Array<ArrayBuffer> {
  const fns = (xf32: boolean, suffix: string) => [
    { name: `dots${suffix}`, params: 7, locals: [3, 6, WASM_I32, 1, 0x7c, 1 + 2 * ACCS, WASM_V128], body: dotsBody(xf32) },
    { name: `axpy${suffix}`, params: 7, locals: [3, 5, WASM_I32, 1, WASM_V128, 1, 0x7c], body: axpyBody(xf32) },
  ];
  return wasmKernelModule([...fns(false, ''), ...fns(true, '32')], { importSharedMemory: imported });
}

/** A kernel instance and typed views of its memory regions. */
export interface WasmCs {
  /** W̃, K × D (D = dx + 1, the bias weight last in each row). */
  w: Float64Array;
  /** The copy path's current row (dx values). */
  x: Float64Array;
  /** Class list: dots' classes, axpy's classes. */
  cls: Int32Array;
  /** dots' results; axpy's Δα values. */
  val: Float64Array;
  /** val's second buffer: axpy reads Δα here while `val` may hold G. */
  val2: Float64Array;
  /** The float32 rows read in place (`dotsAt`, `axpyAt`), when the state was given rows from `allocateSolverRows`. */
  rows: Rows | undefined;
  /** Byte address of rows[0] in the kernel's memory. */
  rowsBase: number;
  /** Dot products of the copied row `x` with the classes in `cls`. */
  dots(act: number): void;
  /** Rank-1 update by the copied row for the classes in `cls` and Δα in `val2`. */
  axpy(nz: number): void;
  /** `dots` of the float32 row at byte `at` of the rows. */
  dotsAt(act: number, at: number): void;
  /** `axpy` by the float32 row at byte `at` of the rows. */
  axpyAt(nz: number, at: number): void;
}

/**
 * Creates a kernel for K classes of D = d + 1 values per row, x̃'s last value `bias`; with
 * float32 `rows` from `allocateSolverRows`, on their memory (above them) to read them in place.
 */
export function createWasmCs(K: number, D: number, bias: number, rows?: Rows): WasmCs {
  const shared = rows instanceof Float32Array ? rowMemoryOf(rows) : undefined;
  try {
    return instantiate(K, D, bias, rows, shared);
  } catch (e) {
    // The shared memory could not grow by the regions (its maximum is reached): copy rows instead.
    if (shared !== undefined && e instanceof RangeError) return instantiate(K, D, bias, undefined, undefined);
    throw e;
  }
}

function instantiate(K: number, D: number, bias: number, rows: Rows | undefined, shared: WebAssembly.Memory | undefined): WasmCs {
  const imported = shared !== undefined;
  let mod = compiled.get(imported);
  if (mod === undefined) compiled.set(imported, (mod = new WebAssembly.Module(wasmCsBytes(imported))));
  const inst = new WebAssembly.Instance(mod, imported ? { env: { mem: shared } } : {});
  const memory = shared ?? (inst.exports.mem as WebAssembly.Memory);
  const align = (b: number): number => Math.ceil(b / 16) * 16;
  const dx = D - 1;
  // Own memory: from 0. Shared: above everything there now (the rows, earlier states).
  const base = imported ? memory.buffer.byteLength : 0;
  const wOff = base;
  const xOff = align(wOff + K * D * 8);
  const biasOff = align(xOff + dx * 8);
  const clsOff = biasOff + 16;
  const valOff = align(clsOff + K * 4);
  const val2Off = align(valOff + K * 8);
  const end = val2Off + K * 8;
  wasmGrowTo(memory, end);
  const buf = memory.buffer;
  new Float64Array(buf, biasOff, 1)[0] = bias;
  const e = inst.exports as Record<'dots' | 'axpy' | 'dots32' | 'axpy32', (...a: number[]) => void>;
  return {
    w: new Float64Array(buf, wOff, K * D),
    x: new Float64Array(buf, xOff, dx),
    cls: new Int32Array(buf, clsOff, K),
    val: new Float64Array(buf, valOff, K),
    val2: new Float64Array(buf, val2Off, K),
    rows: imported ? rows : undefined,
    rowsBase: imported ? (rows as Rows).byteOffset : 0,
    dots: (act) => e.dots(act, dx, wOff, xOff, clsOff, valOff, biasOff),
    axpy: (nz) => e.axpy(nz, dx, wOff, xOff, clsOff, val2Off, biasOff),
    dotsAt: (act, at) => e.dots32(act, dx, wOff, at, clsOff, valOff, biasOff),
    axpyAt: (nz, at) => e.axpy32(nz, dx, wOff, at, clsOff, val2Off, biasOff),
  };
}
