/**
 * out[r, k] = Σ_j x[r, j] · w[k, j] + b[k] for `rows` rows: the head as the model applies it.
 * Row-major, contiguous; the caller owns `out` (rows × outputs). No allocation.
 *
 * @example
 * linearF32(1, 2, 1, new Float32Array([1, 2]), new Float32Array([3, 4]), null, new Float32Array(1)); // [11]
 */
export function linearF32(
  rows: number,
  dim: number,
  outputs: number,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  out: Float32Array,
): Float32Array {
  if (x.length < rows * dim || w.length < outputs * dim || out.length < rows * outputs || (b !== null && b.length < outputs)) {
    throw new RangeError(`linearF32: buffers too small for rows=${rows} dim=${dim} outputs=${outputs}`);
  }
  for (let r = 0; r < rows; r++) {
    const xo = r * dim;
    const oo = r * outputs;
    for (let k = 0; k < outputs; k++) {
      const wo = k * dim;
      // Accumulate in float64 so the comparison with the ONNX logits is not dominated by our rounding.
      let acc = b === null ? 0 : (b[k] as number);
      for (let j = 0; j < dim; j++) acc += (x[xo + j] as number) * (w[wo + j] as number);
      out[oo + k] = acc;
    }
  }
  return out;
}
