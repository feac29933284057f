import type { HeadTransform } from '../checkpoint/head-transform.js';

/**
 * erf(x) to ~1.2e-7 relative (Numerical Recipes' Chebyshev fit of erfc), enough for features
 * compared with torch at 1e-4.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/**
 * t = LayerNorm(GELU(x · Wᵀ + b)) for `rows` rows of `x` ([rows, H] row-major), into a new array;
 * float64 accumulation, exact (erf) GELU, biased variance, as torch's `nn.LayerNorm`.
 *
 * @example
 * const t = applyHeadTransform(ckpt.tokenHead.transform, rows, H, hidden);
 */
export function applyHeadTransform(tr: HeadTransform, rows: number, H: number, x: Float32Array): Float32Array {
  const out = new Float32Array(rows * H);
  const u = new Float64Array(H);
  const W = tr.denseWeight;
  for (let r = 0; r < rows; r++) {
    const xo = r * H;
    let mean = 0;
    for (let k = 0; k < H; k++) {
      let acc = tr.denseBias[k] as number;
      for (let j = 0; j < H; j++) acc += (W[k * H + j] as number) * (x[xo + j] as number);
      const g = 0.5 * acc * (1 + erf(acc / Math.SQRT2));
      u[k] = g;
      mean += g;
    }
    mean /= H;
    let v = 0;
    for (let k = 0; k < H; k++) v += ((u[k] as number) - mean) ** 2;
    const inv = 1 / Math.sqrt(v / H + tr.eps);
    for (let k = 0; k < H; k++) out[xo + k] = ((u[k] as number) - mean) * inv * (tr.normWeight[k] as number) + (tr.normBias[k] as number);
  }
  return out;
}
