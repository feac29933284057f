/**
 * A minimal WebAssembly assembler for the hand-written SIMD kernels (explain's GEMM here, XDA's
 * attention GEMM in @dualxda/xda): instruction bytes, LEB128 immediates and a one-memory module
 * layout. No toolchain and no binary blob: the kernels are TypeScript that emits bytes.
 */

/** Value types of locals and params. */
export const WASM_I32 = 0x7f;
export const WASM_V128 = 0x7b;

/** Unsigned LEB128. */
export function wasmUleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128. */
export function wasmSleb(v: number): number[] {
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

/**
 * The instructions the kernels use. Memory ops take a byte offset and, for v128, the alignment
 * hint as a power of two (2: 4-byte, the default; 4: 16-byte). The hint changes no result.
 */
export const WASM_OP = {
  localGet: (i: number) => [0x20, i],
  localSet: (i: number) => [0x21, i],
  i32Const: (v: number) => [0x41, ...wasmSleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32RemU: [0x70],
  i32DivU: [0x6e],
  i32ShrU: [0x76],
  i32Eqz: [0x45],
  drop: [0x1a],
  loop: [0x03, 0x40],
  block: [0x02, 0x40],
  brIf0: [0x0d, 0x00],
  brIf: (depth: number) => [0x0d, depth],
  end: [0x0b],
  i32Load: (offset: number) => [0x28, 0x02, ...wasmUleb(offset)],
  f32Load: [0x2a, 0x02, 0x00],
  f64Load: (offset: number) => [0x2b, 0x03, ...wasmUleb(offset)],
  f64Store: (offset: number) => [0x39, 0x03, ...wasmUleb(offset)],
  f64Promote: [0xbb],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  v128Load: (offset: number, alignLog2 = 2) => [0xfd, 0x00, alignLog2, ...wasmUleb(offset)],
  v128Store: (offset: number, alignLog2 = 2) => [0xfd, 0x0b, alignLog2, ...wasmUleb(offset)],
  v128Load64Zero: (offset: number) => [0xfd, 0x5d, 0x02, ...wasmUleb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, 0x13],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  f64x2PromoteLow: [0xfd, 0x5f],
  f64x2Splat: [0xfd, 0x14],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  // Relaxed SIMD (a·b + c, fused or not at the engine's choice): stack a, b, c.
  f32x4RelaxedMadd: [0xfd, 0x85, 0x02],
  f64x2RelaxedMadd: [0xfd, 0x87, 0x02],
  extract: (lane: number) => [0xfd, 0x1f, lane],
  extract64: (lane: number) => [0xfd, 0x21, lane],
} as const;

/** A byte buffer and `emit(...)`, which appends instructions (numbers or byte arrays). */
export function createEmitter(): { bytes: number[]; emit: (...parts: (number | readonly number[])[]) => void } {
  const bytes: number[] = [];
  return {
    bytes,
    emit: (...parts) => {
      for (const p of parts) {
        if (typeof p === 'number') bytes.push(p);
        else bytes.push(...p);
      }
    },
  };
}

/** Grows `memory` (64 KiB pages) until it holds at least `bytes`; never shrinks it. */
export function wasmGrowTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

/** One exported function of a kernel module: all params i32, no results. */
export interface WasmKernelFunction {
  name: string;
  params: number;
  /** The local declarations vector as the binary format writes it: [groups, count, type, …]. */
  locals: readonly number[];
  body: readonly number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...wasmUleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...wasmUleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/**
 * A module of `functions` plus one exported memory `mem` (1 page to start; callers grow it), or,
 * with `importSharedMemory`, no memory of its own: it imports `env.mem`, a shared memory of up to
 * 65,536 pages (`new WebAssembly.Memory({ initial, maximum: 65536, shared: true })`), so that
 * data the caller already holds there (its buffer is a SharedArrayBuffer) is read in place.
 */
export function wasmKernelModule(functions: readonly WasmKernelFunction[], opts: { importSharedMemory?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const types = functions.flatMap((f) => [0x60, f.params, ...new Array<number>(f.params).fill(WASM_I32), 0]);
  const code = functions.flatMap((f) => {
    const c = [...f.locals, ...f.body];
    return [...wasmUleb(c.length), ...c];
  });
  const imported = opts.importSharedMemory === true;
  const exports = functions.flatMap((f, i) => [...name(f.name), 0x00, ...wasmUleb(i)]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...wasmUleb(functions.length), ...types]),
    // Limits 0x03: shared, with a maximum (min 0, max 65536 pages).
    ...(imported ? section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x03, 0, ...wasmUleb(65536)]) : []),
    ...section(3, [...wasmUleb(functions.length), ...functions.flatMap((_, i) => wasmUleb(i))]),
    ...(imported ? [] : section(5, [1, 0x00, 1])),
    ...section(7, imported ? [...wasmUleb(functions.length), ...exports] : [...wasmUleb(functions.length + 1), ...exports, ...name('mem'), 0x02, 0]),
    ...section(10, [...wasmUleb(functions.length), ...code]),
  ]);
}
