/**
 * Float32 reads and writes of tensor data for the JS/own-wasm kernels, without copies on the tfjs
 * wasm backend. There `dataSync` slices the heap into a fresh ArrayBuffer and `tf.tensor` copies a
 * JS array back into it; for the MB-sized attention and FFN tensors those allocations (page faults,
 * GC) cost more than the arithmetic. On the wasm backend we view its heap directly (its tensor
 * table and `makeOutput`, pinned by the exact @tensorflow/tfjs-backend-wasm version in
 * package.json); on other backends, or when that shape is not found, we fall back to the public API.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** The wasm backend's internals when they look as expected, else null. */
function wasmInternals(): WasmBackendInternals | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as Partial<WasmBackendInternals>;
  if (typeof b.makeOutput !== 'function' || b.dataIdMap === undefined || !(b.wasm?.HEAPU8 instanceof Uint8Array)) return null;
  return b as WasmBackendInternals;
}

function heapView(w: WasmBackendInternals, t: tf.Tensor): Float32Array | null {
  const info = w.dataIdMap.get(t.dataId);
  if (info?.memoryOffset == null || t.dtype !== 'float32') return null;
  return new Float32Array(w.wasm.HEAPU8.buffer, info.memoryOffset, t.size);
}

/**
 * Calls `fn` with float32 views of `inputs` (read-only by contract) and of a new `[shape]` output
 * it fills, and returns the output tensor. No tfjs op may run inside `fn` (the wasm heap could grow
 * and move).
 *
 * @example
 * const y = mapFloat32([x], x.shape, ([v], out) => { for (let i = 0; i < v.length; i++) out[i] = v[i] * 2; });
 */
export function mapFloat32(inputs: readonly tf.Tensor[], shape: readonly number[], fn: (views: Float32Array[], out: Float32Array) => void): tf.Tensor {
  const w = wasmInternals();
  if (w !== null) {
    // Allocate first: a malloc may grow the heap, which detaches earlier views.
    const out = tf.engine().makeTensorFromTensorInfo(w.makeOutput([...shape], 'float32'));
    const views = inputs.map((t) => heapView(w, t));
    const outView = heapView(w, out);
    if (outView !== null && views.every((v) => v !== null)) {
      fn(views as Float32Array[], outView);
      return out;
    }
    out.dispose();
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fn(inputs.map(publicRead), data);
  return tf.tensor(data, [...shape], 'float32');
}

function publicRead(t: tf.Tensor): Float32Array {
  return t.dtype === 'float32' ? (t.dataSync() as Float32Array) : Float32Array.from(t.dataSync());
}

/** Calls `fn` with read-only float32 views of `inputs` (no tfjs op may run inside it). */
export function readFloat32<T>(inputs: readonly tf.Tensor[], fn: (views: Float32Array[]) => T): T {
  const w = wasmInternals();
  const views = w === null ? null : inputs.map((t) => heapView(w, t));
  if (views !== null && views.every((v) => v !== null)) return fn(views as Float32Array[]);
  return fn(inputs.map(publicRead));
}
