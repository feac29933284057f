import type { RopeConfig } from './rope-config.js';

/** Inverse frequencies of one head and the factor cos/sin are multiplied by. */
export interface RopeFrequencies {
  /** [dim / 2] float32, as transformers' `inv_freq` buffer. */
  invFreq: Float32Array;
  /** transformers' `attention_scaling` (1 except YaRN). */
  attentionScaling: number;
}

/**
 * The `inv_freq` of a RoPE config, per transformers' `_compute_<type>_parameters` (5.x). The
 * 4.4x formulas agree except for YaRN in early 4.4x releases, which took the correction range
 * from `max_position_embeddings` instead of `original_max_position_embeddings` (the same number
 * unless a config sets both apart). Computed in float64, rounded to float32 once at the end.
 *
 * @param seqLen the longest position + 1 of the batch: only `dynamic` depends on it (θ grows once
 *   it exceeds `maxPositions`, as transformers' dynamic update does).
 * @example
 * const { invFreq } = ropeInverseFrequencies(parseRopeConfig(config));
 */
export function ropeInverseFrequencies(rope: RopeConfig, seqLen = 0): RopeFrequencies {
  const { dim, scaling } = rope;
  const half = dim / 2;
  let theta = rope.theta;
  if (scaling.type === 'dynamic' && rope.maxPositions !== null && seqLen > rope.maxPositions) {
    const f = scaling.factor;
    theta *= Math.pow((f * seqLen) / rope.maxPositions - (f - 1), dim / (dim - 2));
  }
  const base = new Float64Array(half);
  // transformers rounds the exponent arange(0, dim, 2) / dim and the power to float32 before 1/x.
  for (let i = 0; i < half; i++) base[i] = 1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / dim)));
  const out = new Float32Array(half);
  let attentionScaling = 1;
  switch (scaling.type) {
    case 'default':
    case 'dynamic':
      for (let i = 0; i < half; i++) out[i] = base[i] as number;
      break;
    case 'linear':
      for (let i = 0; i < half; i++) out[i] = (base[i] as number) / scaling.factor;
      break;
    case 'llama3': {
      const { factor, lowFreqFactor: lo, highFreqFactor: hi, originalMaxPositions: ctx } = scaling;
      const lowWavelen = ctx / lo;
      const highWavelen = ctx / hi;
      for (let i = 0; i < half; i++) {
        const f = Math.fround(base[i] as number);
        const wavelen = (2 * Math.PI) / f;
        if (wavelen < highWavelen) out[i] = f;
        else if (wavelen > lowWavelen) out[i] = f / factor;
        else {
          const smooth = (ctx / wavelen - lo) / (hi - lo);
          out[i] = ((1 - smooth) * f) / factor + smooth * f;
        }
      }
      break;
    }
    case 'yarn': {
      const { factor, originalMaxPositions, betaFast, betaSlow, truncate } = scaling;
      const correctionDim = (rotations: number): number => (dim * Math.log(originalMaxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
      let low = correctionDim(betaFast);
      let high = correctionDim(betaSlow);
      if (truncate) {
        low = Math.floor(low);
        high = Math.ceil(high);
      }
      low = Math.max(low, 0);
      high = Math.min(high, dim - 1);
      if (low === high) high += 0.001; // HF: avoid a zero-width ramp
      for (let i = 0; i < half; i++) {
        const ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
        const extrapolation = 1 - ramp;
        const b = base[i] as number;
        out[i] = (b / factor) * (1 - extrapolation) + b * extrapolation;
      }
      attentionScaling = scaling.attentionFactor;
      break;
    }
  }
  return { invFreq: out, attentionScaling };
}

/**
 * cos/sin tables `[T, dim]` for positions 0..T-1, angles duplicated over both halves (HF
 * `rotate_half` layout), times the attention scaling.
 *
 * @example
 * const { cos, sin } = ropeCosSin(parseRopeConfig(config), 16); // each 16 × dim
 */
export function ropeCosSin(rope: RopeConfig, T: number): { cos: Float32Array; sin: Float32Array; dim: number } {
  const { invFreq, attentionScaling } = ropeInverseFrequencies(rope, T);
  const D = rope.dim;
  const half = D / 2;
  const cos = new Float32Array(T * D);
  const sin = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      // float32 angle, as HF's float32 `inv_freq @ position_ids`.
      const angle = Math.fround(t * (invFreq[i] as number));
      const c = Math.cos(angle) * attentionScaling;
      const s = Math.sin(angle) * attentionScaling;
      cos[t * D + i] = cos[t * D + i + half] = c;
      sin[t * D + i] = sin[t * D + i + half] = s;
    }
  }
  return { cos, sin, dim: D };
}
