/**
 * The 1-row explain kernel over support vectors stored in panels (issue 17 item 5): eight rows
 * interleaved 16 bytes at a time, so that a single query, which reads each support vector once,
 * reads memory as one sequential stream. Measured on the 2-core box (WebAssembly, 768-float rows
 * 3 KiB apart): one sequential stream reads at 37–43 GB/s, but the row-major 1 × 8 tile's eight
 * streams (each row's next 16 bytes per step) at 19–29 GB/s, and rows with gaps between them (a
 * class's support vectors) at 9–12 GB/s: the hardware prefetcher follows one stream, not eight
 * interleaved ones. Single float64 query, 10,000 rows × 768: 0.91–0.98 ms in panels against
 * 1.42–1.75 ms gathered from the row-major pack.
 *
 * Per entry the arithmetic is that of `wasm-gemm-f32.ts` in the same mode ('f32': four float32
 * lanes over k mod 4, added in float64 at the end; 'f64-mixed': float64 query, float32 rows
 * promoted, even and odd k in two float64 lanes), so results are bitwise the row-major kernels'.
 *
 * Layout: panel t holds rows 8t .. 8t+7 of a row list; chunk c (floats 4c .. 4c+3) of slot s is
 * at byte t·128·chunks + c·128 + s·16. Rows are zero-padded to `chunks`·4 floats and the last
 * panel to 8 rows.
 */
import { createEmitter, WASM_I32, WASM_OP, WASM_V128, wasmGrowTo, wasmKernelModule } from './wasm-asm.js';
import { wasmRelaxedSimd } from './wasm-relaxed-simd.js';

/** Rows per panel. */
export const PANEL_ROWS = 8;

/** Mode of the kernel: see `Accumulation` in wasm-gemm-f32.ts. */
export type PanelAccumulation = 'f32' | 'f64-mixed';

const op = WASM_OP;

// panel(np, chunks, a, b, c): c[8t + s] = ⟨a, row 8t + s⟩ for t < np.
function body(acc: PanelAccumulation, fused: boolean): number[] {
  const [NP, CH, A, B, C, T, CC, AP] = [0, 1, 2, 3, 4, 5, 6, 7];
  const ACC = (q: number): number => 8 + q;
  const [X0, X1, Y] = [8 + PANEL_ROWS, 9 + PANEL_ROWS, 10 + PANEL_ROWS];
  const f64 = acc === 'f64-mixed';
  const { bytes, emit } = createEmitter();
  const fma = (x: number, q: number): void => {
    if (fused) emit(op.localGet(x), op.localGet(Y), op.localGet(ACC(q)), f64 ? op.f64x2RelaxedMadd : op.f32x4RelaxedMadd, op.localSet(ACC(q)));
    else emit(op.localGet(ACC(q)), op.localGet(x), op.localGet(Y), f64 ? op.f64x2Mul : op.f32x4Mul, f64 ? op.f64x2Add : op.f32x4Add, op.localSet(ACC(q)));
  };
  emit(op.i32Const(0), op.localSet(T));
  emit(op.loop); // panels
  for (let q = 0; q < PANEL_ROWS; q++) emit(op.v128Zero, op.localSet(ACC(q)));
  emit(op.localGet(A), op.localSet(AP), op.i32Const(0), op.localSet(CC));
  emit(op.loop); // chunks of 4 floats
  emit(op.localGet(AP), op.v128Load(0), op.localSet(X0));
  if (f64) emit(op.localGet(AP), op.v128Load(16), op.localSet(X1));
  for (let q = 0; q < PANEL_ROWS; q++) {
    if (f64) {
      emit(op.localGet(B), op.v128Load64Zero(q * 16), op.f64x2PromoteLow, op.localSet(Y));
      fma(X0, q);
      emit(op.localGet(B), op.v128Load64Zero(q * 16 + 8), op.f64x2PromoteLow, op.localSet(Y));
      fma(X1, q);
    } else {
      emit(op.localGet(B), op.v128Load(q * 16), op.localSet(Y));
      fma(X0, q);
    }
  }
  emit(op.localGet(B), op.i32Const(16 * PANEL_ROWS), op.i32Add, op.localSet(B));
  emit(op.localGet(AP), op.i32Const(f64 ? 32 : 16), op.i32Add, op.localSet(AP));
  emit(op.localGet(CC), op.i32Const(1), op.i32Add, op.localSet(CC));
  emit(op.localGet(CC), op.localGet(CH), op.i32LtU, op.brIf0, op.end);
  for (let q = 0; q < PANEL_ROWS; q++) {
    emit(op.localGet(C));
    if (f64) emit(op.localGet(ACC(q)), op.extract64(0), op.localGet(ACC(q)), op.extract64(1), op.f64Add);
    else {
      emit(op.localGet(ACC(q)), op.extract(0), op.f64Promote);
      for (let lane = 1; lane < 4; lane++) emit(op.localGet(ACC(q)), op.extract(lane), op.f64Promote, op.f64Add);
    }
    emit(op.f64Store(q * 8));
  }
  emit(op.localGet(C), op.i32Const(8 * PANEL_ROWS), op.i32Add, op.localSet(C));
  emit(op.localGet(T), op.i32Const(1), op.i32Add, op.localSet(T));
  emit(op.localGet(T), op.localGet(NP), op.i32LtU, op.brIf0, op.end);
  emit(op.end);
  return bytes;
}

/** The module bytes (exported for tests). */
export function wasmPanelGemvBytes(acc: PanelAccumulation, fused: boolean): Uint8Array<ArrayBuffer> {
  return wasmKernelModule([{ name: 'panel', params: 5, locals: [2, 3, WASM_I32, PANEL_ROWS + 3, WASM_V128], body: body(acc, fused) }]);
}

/** Support-vector rows in panels, with room for one query row and its outputs. */
export interface PanelGemv {
  /** Panels held (rows = 8 × panels, the last ones zero). */
  panels: number;
  chunks: number;
  /** Which caller's query `setQuery` last copied in (callers share a cached instance). */
  queryOwner: unknown;
  /** Copies the query in: `dim` floats of `data` from `offset` by `stride`. */
  setQuery(data: ArrayLike<number>, offset: number, stride: number, dim: number, owner: unknown): void;
  /** out[outOff + j] = ⟨query, packed row p0 + j⟩ for j < n (computed over whole panels). */
  run(p0: number, n: number, out: Float64Array, outOff: number): void;
}

/**
 * Copies the rows into panel order, as bits (Int32 views: a float's bits move unchanged).
 * Whole 4-float chunks in an unrolled loop: a per-float loop with index arithmetic measured
 * 15 ns per float (0.45 s for 40,000 rows of 768).
 */
function packPanels(dst: Int32Array, src: Int32Array, dim: number, count: number, rows: Int32Array | undefined): void {
  const stride = 4 * PANEL_ROWS;
  const whole = dim >> 2;
  const chunks = Math.max(1, Math.ceil(dim / 4));
  for (let i = 0; i < count; i++) {
    let s = (rows === undefined ? i : (rows[i] as number)) * dim;
    let o = Math.floor(i / PANEL_ROWS) * chunks * stride + (i % PANEL_ROWS) * 4;
    for (let c = 0; c < whole; c++, s += 4, o += stride) {
      dst[o] = src[s] as number;
      dst[o + 1] = src[s + 1] as number;
      dst[o + 2] = src[s + 2] as number;
      dst[o + 3] = src[s + 3] as number;
    }
    for (let k = 0; k < (dim & 3); k++) dst[o + k] = src[s + k] as number;
  }
}

const compiled = new Map<string, WebAssembly.Module>();
/** Beyond this the panels are not built (wasm32 memory, and the row-major path still works). */
const MAX_PANEL_BYTES = 2 ** 31;

/**
 * Packs rows `rows[i]` (or i, for `rows` undefined) of `src` (n × dim float32) into panels in a
 * fresh kernel instance. Null when WebAssembly SIMD is unavailable or the panels would exceed
 * 2 GiB.
 */
export function createPanelGemv(acc: PanelAccumulation, src: Float32Array, dim: number, count: number, rows?: Int32Array): PanelGemv | null {
  const fused = acc === 'f64-mixed' && wasmRelaxedSimd();
  const key = `${acc} ${fused}`;
  let mod = compiled.get(key);
  if (mod === undefined) {
    const bytes = wasmPanelGemvBytes(acc, fused);
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return null;
    compiled.set(key, (mod = new WebAssembly.Module(bytes)));
  }
  const chunks = Math.max(1, Math.ceil(dim / 4));
  const panels = Math.ceil(count / PANEL_ROWS);
  const panelBytes = panels * chunks * 16 * PANEL_ROWS;
  const qElem = acc === 'f64-mixed' ? 8 : 4;
  const qPtr = panelBytes;
  const outPtr = qPtr + chunks * 4 * qElem;
  const outCap = 64 * PANEL_ROWS;
  const bytes = outPtr + outCap * 8;
  if (panelBytes > MAX_PANEL_BYTES) return null;
  const inst = new WebAssembly.Instance(mod, {});
  const memory = inst.exports.mem as WebAssembly.Memory;
  wasmGrowTo(memory, bytes);
  packPanels(new Int32Array(memory.buffer, 0, panelBytes / 4), new Int32Array(src.buffer, src.byteOffset, src.length), dim, count, rows);
  const panel = inst.exports.panel as (np: number, ch: number, a: number, b: number, c: number) => void;
  const q = qElem === 8 ? new Float64Array(memory.buffer, qPtr, chunks * 4) : new Float32Array(memory.buffer, qPtr, chunks * 4);
  const res = new Float64Array(memory.buffer, outPtr, outCap);
  const panelsPerCall = outCap / PANEL_ROWS;
  const pg: PanelGemv = {
    panels,
    chunks,
    queryOwner: undefined,
    setQuery(data, offset, stride, dim2, owner) {
      q.fill(0);
      for (let k = 0, s = offset; k < dim2; k++, s += stride) q[k] = data[s] as number;
      pg.queryOwner = owner;
    },
    run(p0, n, out, outOff) {
      if (n <= 0) return;
      if (p0 < 0 || p0 + n > count) throw new RangeError(`panel gemv: rows [${p0}, ${p0 + n}) outside the ${count} packed rows`);
      // Whole panels, a few at a time through the output buffer; the entries before p0 and after
      // p0 + n in the first and last panel are computed and dropped.
      for (let t = Math.floor(p0 / PANEL_ROWS), end = Math.ceil((p0 + n) / PANEL_ROWS); t < end; t += panelsPerCall) {
        const np = Math.min(panelsPerCall, end - t);
        panel(np, chunks, qPtr, t * chunks * 16 * PANEL_ROWS, outPtr);
        const lo = Math.max(p0, t * PANEL_ROWS);
        const hi = Math.min(p0 + n, (t + np) * PANEL_ROWS);
        for (let r = lo; r < hi; r++) out[outOff + r - p0] = res[r - t * PANEL_ROWS] as number;
      }
    },
  };
  return pg;
}
