/** Options of `featureSpectrum` / `createSpectrumAccumulator`, resolved once. */
import { InvalidOptionError } from '../errors.js';

export interface SpectrumOptions {
  /**
   * Number of classes (labels 0..numClasses-1). Default for `featureSpectrum`: max label + 1, or 0
   * (no within-class spectra) without labels. `createSpectrumAccumulator` takes it as an argument.
   */
  numClasses?: number;
  /** Largest eigenvalues kept in each `SpectrumStats.topEigenvalues`. @default DEFAULT_SPECTRUM_OPTIONS.topEigenvalues (10) */
  topEigenvalues?: number;
}

export interface ResolvedSpectrumOptions {
  numClasses: number;
  topEigenvalues: number;
}

/** Documented defaults of {@link SpectrumOptions}. */
export const DEFAULT_SPECTRUM_OPTIONS = { topEigenvalues: 10 } as const satisfies Omit<ResolvedSpectrumOptions, 'numClasses'>;

/**
 * Validates spectrum options; `numClasses` falls back to `inferredClasses`.
 *
 * @example
 * resolveSpectrumOptions({ topEigenvalues: 3 }, 2); // { numClasses: 2, topEigenvalues: 3 }
 */
export function resolveSpectrumOptions(options: SpectrumOptions, inferredClasses = 0): ResolvedSpectrumOptions {
  const numClasses = options.numClasses ?? inferredClasses;
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new InvalidOptionError('numClasses', `must be a non-negative integer, got ${numClasses}`);
  const topEigenvalues = options.topEigenvalues ?? DEFAULT_SPECTRUM_OPTIONS.topEigenvalues;
  if (!Number.isInteger(topEigenvalues) || topEigenvalues < 0) throw new InvalidOptionError('topEigenvalues', `must be a non-negative integer, got ${topEigenvalues}`);
  return { numClasses, topEigenvalues };
}
