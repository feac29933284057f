/**
 * Feature rows that the solver's WebAssembly kernel reads in place (issue 17 item 3). A caller
 * that builds the rows itself (the CLI's `fit` reads a store into memory) allocates them here: a
 * Float32Array on a shared WebAssembly memory, whose buffer is an ordinary SharedArrayBuffer
 * (worker threads share it as before). A serial solve over such rows passes each row to the
 * kernel by address instead of copying it into the kernel's memory on every update (measured
 * ≈ 0.13 s of a 2 s `fit` on the 60,000 × 128 real-features bench). Rows anywhere else work as
 * before, through the copy.
 */
const memories = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/** Pages left above the rows for the kernel's own regions (W̃ and scratch): 64 MiB. */
const KERNEL_PAGES = 1024;
const MAX_PAGES = 65536;

/**
 * A zero-filled Float32Array of `length` floats on a shared WebAssembly memory (a plain
 * SharedArrayBuffer when that is unavailable or the rows would leave too little of the 4 GiB
 * address space for the kernel).
 */
export function allocateSolverRows(length: number): Float32Array {
  const pages = Math.max(1, Math.ceil((length * 4) / 65536));
  if (typeof WebAssembly === 'object' && pages + KERNEL_PAGES <= MAX_PAGES) {
    try {
      // The maximum leaves room for the kernels' regions only: a shared memory reserves address
      // space for its maximum up front.
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages + KERNEL_PAGES, shared: true });
      memories.set(memory.buffer, memory);
      return new Float32Array(memory.buffer, 0, length);
    } catch {
      // No shared WebAssembly memory here (or no address space for one): fall through.
    }
  }
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** The shared memory `rows` lies on, when `allocateSolverRows` made it. */
export function rowMemoryOf(rows: Float32Array | Float64Array): WebAssembly.Memory | undefined {
  return memories.get(rows.buffer);
}
