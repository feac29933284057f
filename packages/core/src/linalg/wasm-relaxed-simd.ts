/**
 * Feature detection for WebAssembly relaxed SIMD (`f32x4.relaxed_madd`, `f64x2.relaxed_madd`),
 * which V8 compiles to one FMA instruction on x64 CPUs with FMA. Node 22+ ships it; Node 20's V8
 * (11.3) has it behind `--experimental-wasm-relaxed-simd`, which the detection turns on once when
 * running under Node (the proposal is finished and the flag only adds opcodes). Set
 * DUALXDA_NO_RELAXED_SIMD=1 to keep the flag off and use the unfused kernels.
 */

// (module (func (result f64) f64x2.splat(2) f64x2.splat(3) f64x2.splat(1) f64x2.relaxed_madd extract_lane 0))
const f64Const = (bytes: number[]): number[] => [0x44, ...bytes, 0xfd, 0x14];
const BODY = [0x00, ...f64Const([0, 0, 0, 0, 0, 0, 0, 0x40]), ...f64Const([0, 0, 0, 0, 0, 0, 0x08, 0x40]), ...f64Const([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]), 0xfd, 0x87, 0x02, 0xfd, 0x21, 0x00, 0x0b];
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7c, // type: () -> f64
  0x03, 0x02, 0x01, 0x00,
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY,
]);

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

let cached: boolean | undefined;

/** Whether this engine validates relaxed-SIMD modules (enabling Node 20's flag on first call). */
export function wasmRelaxedSimd(): boolean {
  if (cached !== undefined) return cached;
  if (typeof WebAssembly !== 'object') return (cached = false);
  if (WebAssembly.validate(PROBE)) return (cached = true);
  // No static node: import, so that browser bundles of the explain path stay valid.
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc?.env?.DUALXDA_NO_RELAXED_SIMD === '1') return (cached = false);
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  try {
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  } catch {
    return (cached = false);
  }
  return (cached = WebAssembly.validate(PROBE));
}
