/**
 * Turns the accumulated shifted moments into the three spectra (see spectrum-accumulator.ts for
 * the shift, types.ts for the definitions). One d×d work matrix, eigenvalues by Householder + QL.
 */
import { symmetricEigenvaluesF64 } from '../linalg/eigen-tridiagonal.js';
import type { ResolvedSpectrumOptions } from './spectrum-options.js';
import { spectrumStats } from './spectrum-stats.js';
import type { ClassSpectrum, FeatureSpectrum, SpectrumStats, WithinClassSpectrum } from './types.js';

/** Shifted sums of one class (or of the unlabelled rows): S' (upper triangle valid), s', count. */
export interface SlotMoments {
  rows: number;
  sum: Float64Array;
  moment: Float64Array;
}

interface Work {
  d: number;
  a: Float64Array;
  values: Float64Array;
  scratch: Float64Array;
  top: number;
}

/** Eigen-summaries of the symmetric matrix whose upper triangle is in work.a. */
function stats(w: Work): SpectrumStats {
  const { d, a } = w;
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[j * d + i] = a[i * d + j] as number;
  symmetricEigenvaluesF64(d, a, w.values, w.scratch);
  return spectrumStats(w.values, w.top);
}

/** work.a (upper) = scale · (S' − n μ' μ'ᵀ) with μ' = s'/n: a centred scatter. */
function centredInto(w: Work, s: SlotMoments, scale: number, accumulate: boolean): void {
  const { d, a } = w;
  for (let i = 0; i < d; i++) {
    const mi = (s.sum[i] as number) / s.rows;
    for (let j = i; j < d; j++) {
      const v = scale * ((s.moment[i * d + j] as number) - s.rows * mi * ((s.sum[j] as number) / s.rows));
      a[i * d + j] = accumulate ? (a[i * d + j] as number) + v : v;
    }
  }
}

function withinClass(w: Work, slots: readonly (SlotMoments | undefined)[], numClasses: number): WithinClassSpectrum | null {
  const perClass: ClassSpectrum[] = [];
  const skippedClasses: number[] = [];
  let labelled = 0;
  for (let c = 0; c < numClasses; c++) {
    const s = slots[c];
    if (s === undefined || s.rows < 2) {
      skippedClasses.push(c);
      labelled += s?.rows ?? 0;
      continue;
    }
    labelled += s.rows;
    centredInto(w, s, 1 / s.rows, false);
    perClass.push({ label: c, rows: s.rows, ...stats(w) });
  }
  if (perClass.length === 0) return null;
  w.a.fill(0);
  for (const s of slots.slice(0, numClasses)) if (s !== undefined) centredInto(w, s, 1 / labelled, true);
  const pooled = stats(w);
  const mean = (f: (c: ClassSpectrum) => number): number => perClass.reduce((acc, c) => acc + f(c), 0) / perClass.length;
  return {
    pooled,
    perClass,
    skippedClasses,
    minParticipationRatio: Math.min(...perClass.map((c) => c.participationRatio)),
    meanParticipationRatio: mean((c) => c.participationRatio),
    minEffectiveRank: Math.min(...perClass.map((c) => c.effectiveRank)),
    meanEffectiveRank: mean((c) => c.effectiveRank),
    maxTopShare: Math.max(...perClass.map((c) => c.topShare)),
    meanTopShare: mean((c) => c.topShare),
  };
}

/** The spectra of everything accumulated (`rows` = total rows, `shift` = r). */
export function finishSpectrum(d: number, numClasses: number, slots: readonly (SlotMoments | undefined)[], shift: Float64Array, rows: number, options: ResolvedSpectrumOptions): FeatureSpectrum {
  const w: Work = { d, a: new Float64Array(d * d), values: new Float64Array(d), scratch: new Float64Array(d), top: options.topEigenvalues };
  if (rows === 0) {
    const zero = spectrumStats(new Float64Array(d), options.topEigenvalues);
    return { rows: 0, dim: d, uncentred: zero, centred: { ...zero, topEigenvalues: [...zero.topEigenvalues] }, withinClass: null };
  }
  // Pool every slot: the total shifted sums.
  const total: SlotMoments = { rows, sum: new Float64Array(d), moment: new Float64Array(d * d) };
  for (const s of slots) {
    if (s === undefined) continue;
    for (let j = 0; j < d; j++) total.sum[j] = (total.sum[j] as number) + (s.sum[j] as number);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) total.moment[i * d + j] = (total.moment[i * d + j] as number) + (s.moment[i * d + j] as number);
  }
  // Uncentred: Σ x xᵀ / n with x = r + y is S'/n + r μ'ᵀ + μ' rᵀ + r rᵀ.
  for (let i = 0; i < d; i++) {
    const ri = shift[i] as number;
    const mi = (total.sum[i] as number) / rows;
    for (let j = i; j < d; j++) {
      const rj = shift[j] as number;
      const mj = (total.sum[j] as number) / rows;
      w.a[i * d + j] = (total.moment[i * d + j] as number) / rows + ri * mj + mi * rj + ri * rj;
    }
  }
  const uncentred = stats(w);
  centredInto(w, total, 1 / rows, false);
  const centred = stats(w);
  return { rows, dim: d, uncentred, centred, withinClass: numClasses > 0 ? withinClass(w, slots, numClasses) : null };
}
