/**
 * One-shot feature spectrum of an n×d matrix (a thin wrapper over the streaming accumulator, so
 * both give the same numbers). Definitions: types.ts and docs/attribution.md "Collapse alarm".
 */
import { InvalidOptionError } from '../errors.js';
import { createSpectrumAccumulator, type FeatureMatrix } from './spectrum-accumulator.js';
import { resolveSpectrumOptions, type SpectrumOptions } from './spectrum-options.js';
import type { FeatureSpectrum } from './types.js';

/**
 * Participation ratio, entropy effective rank and top-direction share of the uncentred second
 * moment Σ x xᵀ/n (what the DualDA kernel ⟨f_i, f_t⟩ sees: the headline number), the centred
 * covariance and, with labels, the within-class covariances (per class, min/mean, pooled).
 * Costs n·d²/2 multiply-adds plus ~(4/3)d³ per eigen solve (K + 3 solves); memory K·d² float64.
 * Feed a store chunk by chunk with {@link createSpectrumAccumulator} instead.
 *
 * @example
 * const s = featureSpectrum({ data: features, shape: [n, d] }, labels);
 * if (s.uncentred.participationRatio < 10) console.warn('features are nearly low-rank');
 */
export function featureSpectrum(features: FeatureMatrix, labels?: ArrayLike<number>, options: SpectrumOptions = {}): FeatureSpectrum {
  const [n = 0, d = 0] = features.shape;
  let inferred = 0;
  if (labels !== undefined) for (let i = 0; i < Math.min(n, labels.length); i++) inferred = Math.max(inferred, (labels[i] as number) + 1);
  const resolved = resolveSpectrumOptions(options, inferred);
  if (labels !== undefined && resolved.numClasses < inferred) throw new InvalidOptionError('numClasses', `is ${resolved.numClasses} but the labels go up to ${inferred - 1}`);
  const acc = createSpectrumAccumulator(d, resolved.numClasses, { topEigenvalues: resolved.topEigenvalues });
  acc.add(features, labels);
  return acc.finish();
}
