/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { expectClose } from '../testing.js';
import { featureSpectrum } from './feature-spectrum.js';
import { createSpectrumAccumulator } from './spectrum-accumulator.js';
import { DEFAULT_SPECTRUM_OPTIONS, resolveSpectrumOptions } from './spectrum-options.js';
import { spectrumStats } from './spectrum-stats.js';
import type { SpectrumStats } from './types.js';

// Produced by tools/fixtures/diagnostics/generate.py (numpy eigvalsh of X'X/n, covariances, class scatters).
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/spectrum.json', import.meta.url), 'utf8')) as {
  spectrum: { n: number; d: number; features: number[]; labels: number[]; uncentred: SpectrumStats; centred: SpectrumStats; pooled: SpectrumStats; perClass: (SpectrumStats & { label: number; rows: number })[] };
};

function expectStats(got: SpectrumStats, want: SpectrumStats, rtol = 1e-10): void {
  expectClose([got.participationRatio, got.effectiveRank, got.topShare, got.trace], [want.participationRatio, want.effectiveRank, want.topShare, want.trace], { rtol, atol: 1e-12 });
  expectClose(got.topEigenvalues, want.topEigenvalues, { rtol: 1e-9, atol: 1e-9 * want.trace });
}

function gaussian(n: number, d: number, seed: number, mean = 0): Float64Array {
  const rand = mulberry32(seed);
  return Float64Array.from({ length: n * d }, () => mean + Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

describe('spectrumStats', () => {
  it('gives PR = erank = d and share 1/d for equal eigenvalues, 1 for one direction, 0 for none', () => {
    expect(spectrumStats([2, 2, 2, 2], 2)).toEqual({ participationRatio: 4, effectiveRank: 4, topShare: 0.25, trace: 8, topEigenvalues: [2, 2] });
    expect(spectrumStats([0, 5, -1e-17], 10)).toMatchObject({ participationRatio: 1, effectiveRank: 1, topShare: 1, trace: 5, topEigenvalues: [5, 0, 0] });
    expect(spectrumStats([0, 0], 1)).toEqual({ participationRatio: 0, effectiveRank: 0, topShare: 0, trace: 0, topEigenvalues: [0] });
    expect(spectrumStats([], 3).participationRatio).toBe(0);
  });
  it('is scale-free down to subnormal and up to huge eigenvalues', () => {
    const ref = spectrumStats([3, 2, 1], 3);
    for (const s of [1e-300, 1e300]) {
      const got = spectrumStats([3 * s, 2 * s, s], 3);
      expectClose([got.participationRatio, got.effectiveRank, got.topShare], [ref.participationRatio, ref.effectiveRank, ref.topShare], { rtol: 1e-12 });
    }
  });
});

describe('featureSpectrum', () => {
  const s = fx.spectrum;
  const X = { data: Float32Array.from(s.features), shape: [s.n, s.d] };

  it('matches numpy for the uncentred second moment, the covariance, each class and the pooled scatter', () => {
    const got = featureSpectrum(X, s.labels);
    expect(got).toMatchObject({ rows: s.n, dim: s.d });
    expectStats(got.uncentred, s.uncentred);
    expectStats(got.centred, s.centred);
    expectStats(got.withinClass!.pooled, s.pooled);
    expect(got.withinClass!.perClass.map((c) => [c.label, c.rows])).toEqual(s.perClass.map((c) => [c.label, c.rows]));
    got.withinClass!.perClass.forEach((c, i) => expectStats(c, s.perClass[i]!));
    const prs = s.perClass.map((c) => c.participationRatio);
    expectClose([got.withinClass!.minParticipationRatio, got.withinClass!.meanParticipationRatio], [Math.min(...prs), prs.reduce((a, b) => a + b) / prs.length], { rtol: 1e-10 });
    expect(got.withinClass!.maxTopShare).toBe(Math.max(...got.withinClass!.perClass.map((c) => c.topShare)));
  });

  it('rank-1 features (every row a multiple of one vector) have PR ≈ 1 and top share ≈ 1 in all three spectra', () => {
    const d = 32;
    const v = gaussian(1, d, 1);
    const rand = mulberry32(2);
    const n = 400;
    const data = new Float32Array(n * d);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      const a = (labels[i] === 0 ? -1 : 1) * (1 + rand());
      for (let j = 0; j < d; j++) data[i * d + j] = a * v[j]!;
    }
    const got = featureSpectrum({ data, shape: [n, d] }, labels);
    for (const st of [got.uncentred, got.centred, got.withinClass!.pooled, ...got.withinClass!.perClass]) {
      expect(st.participationRatio).toBeGreaterThanOrEqual(1);
      expect(st.participationRatio).toBeLessThan(1 + 1e-6);
      expect(st.topShare).toBeGreaterThan(1 - 1e-6);
      expect(st.effectiveRank).toBeLessThan(1 + 1e-4);
    }
  });

  it('isotropic features have PR = d: exactly for ±e_i rows, approximately for Gaussian rows', () => {
    const d = 12;
    const data = new Float64Array(2 * d * d);
    for (let i = 0; i < d; i++) {
      data[i * d + i] = 3;
      data[(d + i) * d + i] = -3;
    }
    const exact = featureSpectrum({ data, shape: [2 * d, d] });
    expectClose([exact.uncentred.participationRatio, exact.uncentred.effectiveRank, exact.uncentred.topShare, exact.centred.participationRatio], [d, d, 1 / d, d], { rtol: 1e-12 });
    expect(exact.withinClass).toBeNull();
    const g = featureSpectrum({ data: gaussian(20_000, d, 7), shape: [20_000, d] });
    expect(g.uncentred.participationRatio).toBeGreaterThan(0.97 * d);
    expect(g.uncentred.effectiveRank).toBeGreaterThan(0.99 * d);
  });

  it('centring removes a large shared offset that dominates the uncentred moment (no cancellation)', () => {
    const n = 2000;
    const d = 6;
    const data = gaussian(n, d, 9);
    for (let i = 0; i < n * d; i++) data[i] = data[i]! * 1e-3 + 1e3; // mean ≫ spread: ratio 1e6
    const got = featureSpectrum({ data, shape: [n, d] });
    expect(got.uncentred.participationRatio).toBeLessThan(1 + 1e-9);
    const white = featureSpectrum({ data: gaussian(n, d, 9), shape: [n, d] });
    expectClose([got.centred.participationRatio], [white.centred.participationRatio], { rtol: 1e-6 });
  });
});

describe('createSpectrumAccumulator', () => {
  const s = fx.spectrum;

  it('fed in uneven chunks equals the one-shot spectrum (and finish can be called midway)', () => {
    const data = Float32Array.from(s.features);
    const oneShot = featureSpectrum({ data, shape: [s.n, s.d] }, s.labels);
    const acc = createSpectrumAccumulator(s.d, 3);
    let start = 0;
    for (const size of [1, 0, 7, 30, 13]) {
      acc.add({ data: data.subarray(start * s.d, (start + size) * s.d), shape: [size, s.d] }, s.labels.slice(start, start + size));
      start += size;
    }
    expect(acc.finish().rows).toBe(51);
    acc.add({ data: data.subarray(start * s.d), shape: [s.n - start, s.d] }, s.labels.slice(start));
    const streamed = acc.finish();
    expect(acc.rows).toBe(s.n);
    expectStats(streamed.uncentred, oneShot.uncentred, 1e-12);
    expectStats(streamed.centred, oneShot.centred, 1e-12);
    expectStats(streamed.withinClass!.pooled, oneShot.withinClass!.pooled, 1e-12);
    streamed.withinClass!.perClass.forEach((c, i) => expectStats(c, oneShot.withinClass!.perClass[i]!, 1e-12));
  });

  it('counts unlabelled (negative) rows in the overall spectra only and reports classes with < 2 rows as skipped', () => {
    const data = Float32Array.from(s.features);
    const labels = s.labels.map((y, i) => (i < 10 ? -1 : y === 2 ? (i === 50 ? 3 : 0) : y));
    const got = featureSpectrum({ data, shape: [s.n, s.d] }, labels, { numClasses: 5 });
    expectStats(got.uncentred, s.uncentred);
    expect(got.withinClass!.skippedClasses).toEqual([2, 3, 4]);
    expect(got.withinClass!.perClass.reduce((a, c) => a + c.rows, 0)).toBe(s.n - 10 - 1);
  });

  it('returns zero spectra before any row, and null within-class spectra without classes', () => {
    const empty = createSpectrumAccumulator(4, 2).finish();
    expect(empty).toMatchObject({ rows: 0, dim: 4, withinClass: null, uncentred: { participationRatio: 0, trace: 0 } });
    expect(featureSpectrum({ data: new Float32Array(8), shape: [2, 4] }, [0, 0]).withinClass!.pooled.participationRatio).toBe(0);
  });

  it('rejects wrong shapes, labels out of range and bad options by name', () => {
    const acc = createSpectrumAccumulator(3, 2);
    expect(() => acc.add({ data: new Float32Array(6), shape: [2, 2] })).toThrow(/expected shape \[n, 3\]/);
    expect(() => acc.add({ data: new Float32Array(5), shape: [2, 3] })).toThrow(/6 elements/);
    expect(() => acc.add({ data: new Float32Array(6), shape: [2, 3] }, [0, 2])).toThrow(/label 2 of row 1 is outside 0\.\.1/);
    expect(() => createSpectrumAccumulator(0)).toThrow(/option d/);
    expect(() => featureSpectrum({ data: new Float32Array(6), shape: [2, 3] }, [0, 4], { numClasses: 2 })).toThrow(/option numClasses/);
    expect(() => resolveSpectrumOptions({ topEigenvalues: -1 })).toThrow(/option topEigenvalues/);
  });

  it('documented defaults equal the defaults object', () => {
    expect(resolveSpectrumOptions({})).toEqual({ numClasses: 0, ...DEFAULT_SPECTRUM_OPTIONS });
    expect(DEFAULT_SPECTRUM_OPTIONS).toEqual({ topEigenvalues: 10 });
  });
});
