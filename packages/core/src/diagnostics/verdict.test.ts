/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { proponentDiversity } from './diversity.js';
import { featureSpectrum } from './feature-spectrum.js';
import type { FeatureSpectrum, ProponentDiversity } from './types.js';
import { DEFAULT_COLLAPSE_THRESHOLDS, collapseVerdict, resolveCollapseThresholds } from './verdict.js';

function features(n: number, d: number, rank1: boolean): { spectrum: FeatureSpectrum } {
  const rand = mulberry32(5);
  const data = new Float32Array(n * d);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    const a = (labels[i] ? 1 : -1) * (1 + rand()); // rank-1: every row is a multiple of (1, 2, …, d)
    for (let j = 0; j < d; j++) data[i * d + j] = rank1 ? a * (j + 1) : rand() - 0.5;
  }
  return { spectrum: featureSpectrum({ data, shape: [n, d] }, labels) };
}

const collapsed: ProponentDiversity = proponentDiversity({ proponents: Array.from({ length: 40 }, (_, q) => (q < 38 ? [7, 1, 2, 3] : [8, 1, 2, 4])), trainRows: 50 }, { k: 4, idOf: (r) => `spam-2/0${r}` });
const diverse: ProponentDiversity = proponentDiversity({ proponents: Array.from({ length: 40 }, (_, q) => [q, q + 40, q + 80]), trainRows: 120 });

describe('collapseVerdict', () => {
  it('rank-1 features with one dominant proponent: class-level, one sentence per failing criterion', () => {
    const v = collapseVerdict(features(200, 8, true).spectrum, collapsed);
    expect(v.level).toBe('class');
    expect(v.skipped).toEqual([]);
    expect(v.checks.map((c) => [c.id, c.pass])).toEqual([
      ['participation-ratio', false],
      ['within-class-participation-ratio', false],
      ['top1-concentration', false],
      ['mean-jaccard', false],
    ]);
    expect(v.warning).toMatch(/^explanations are class-level/);
    expect(v.warning).toMatch(/The features are nearly rank-1: participation ratio 1\.00 \(instance-level: at least 10\)/);
    expect(v.warning).toMatch(/One training row \(spam-2\/07, row 7\) is the top proponent of 95% of the test rows \(38 of 40; instance-level: at most 5%\)/);
    expect(v.warning).toMatch(/mean pairwise Jaccard 0\.9\d/);
    expect(v.warning).toMatch(/within-class participation ratio 1\.00/);
    for (const c of v.checks) expect(v.warning).toContain(c.sentence!);
    expect(v.summary).toMatch(/^class-level explanations: participation-ratio 1\.00 \(≥ 10: FAIL\)/);
  });

  it('isotropic features with diverse proponents: instance-level, no warning', () => {
    const v = collapseVerdict(features(2000, 16, false).spectrum, diverse);
    expect(v.checks.every((c) => c.pass && c.sentence === null)).toBe(true);
    expect(v).toMatchObject({ level: 'instance', warning: null, skipped: [] });
    expect(v.summary).toMatch(/^instance-level explanations: .*top1-concentration 2\.5% \(≤ 5%: ok\), mean-jaccard 0\.00/);
  });

  it('only the failing criterion is named; missing diversity and labels are skipped, not passed', () => {
    const iso = features(2000, 16, false).spectrum;
    const v = collapseVerdict(iso, collapsed, { queries: 'sampled training rows' });
    expect(v.checks.filter((c) => !c.pass).map((c) => c.id)).toEqual(['top1-concentration', 'mean-jaccard']);
    expect(v.warning).not.toMatch(/rank-1|participation ratio/);
    expect(v.warning).toMatch(/of the sampled training rows/);
    const plain = proponentDiversity({ proponents: [[7], [7]], trainRows: 9 }, { idOf: String });
    expect(collapseVerdict(iso, plain).warning).toMatch(/One training row \(row 7\) is the top proponent of 100% of the test rows \(2 of 2;/);
    const noDiv = collapseVerdict({ ...iso, withinClass: null }, null);
    expect(noDiv).toMatchObject({ level: 'instance', skipped: ['within-class-participation-ratio', 'top1-concentration', 'mean-jaccard'] });
    expect(noDiv.summary).toMatch(/not checked: within-class-participation-ratio, top1-concentration, mean-jaccard/);
  });

  it('thresholds move the boundary (a check can flip) and are validated by name', () => {
    const iso = features(2000, 16, false).spectrum;
    expect(collapseVerdict(iso, diverse, { thresholds: { minParticipationRatio: 100 } }).level).toBe('class');
    expect(collapseVerdict(features(200, 8, true).spectrum, collapsed, { thresholds: { minParticipationRatio: 1, minWithinClassParticipationRatio: 1, maxTop1Concentration: 1, maxMeanJaccard: 1 } }).level).toBe('instance');
    expect(() => resolveCollapseThresholds({ maxMeanJaccard: 2 })).toThrow(/option maxMeanJaccard/);
    expect(() => resolveCollapseThresholds({ minParticipationRatio: 0.5 })).toThrow(/option minParticipationRatio/);
  });

  it('documented defaults equal the defaults object (the issue 13 targets)', () => {
    expect(resolveCollapseThresholds()).toEqual(DEFAULT_COLLAPSE_THRESHOLDS);
    expect(DEFAULT_COLLAPSE_THRESHOLDS).toEqual({ minParticipationRatio: 10, minWithinClassParticipationRatio: 5, maxTop1Concentration: 0.05, maxMeanJaccard: 0.25 });
  });
});
