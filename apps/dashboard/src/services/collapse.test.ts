/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { collapseVerdict, featureSpectrum, proponentDiversity, type CollapseReport } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { collapseView } from './collapse.js';

function report(rank1: boolean): CollapseReport {
  const n = 60;
  const d = 4;
  const data = new Float32Array(n * d);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rank1 ? (1 + (i % 7)) * (j + 1) : Math.sin(7 * i + 3 * j + i * j);
  const spectrum = featureSpectrum({ data, shape: [n, d] }, labels);
  const lists = Array.from({ length: 30 }, (_, q) => (rank1 ? [3, 4, 5] : [q, q + 30]));
  const diversity = proponentDiversity({ proponents: lists, opponents: lists, trainRows: 60 }, { idOf: (r) => `mail-${r}` });
  return { schemaVersion: 1, spectrum, diversity, queries: { source: 'test', rows: 30, sampled: 30, seed: 1, targets: 'model', path: null }, verdict: collapseVerdict(spectrum, diversity), createdAt: '' };
}

describe('collapseView', () => {
  it('a collapsed run: class-level with the warning, failing checks marked, the top proponent named and linked', () => {
    const v = collapseView(report(true), ['ham', 'spam'])!;
    expect(v.level).toBe('class');
    expect(v.warning).toMatch(/^explanations are class-level/);
    const pr = v.figures.find((f) => f.label.startsWith('participation ratio (uncentred'))!;
    expect(pr).toMatchObject({ value: '1.00', check: { threshold: '≥ 10', pass: false } });
    expect(v.figures.find((f) => f.label === 'top-1 proponent concentration')).toMatchObject({ value: '100.0% (mail-3)', row: 3, check: { pass: false, threshold: '≤ 5.0%' } });
    expect(v.figures.find((f) => f.label === 'within-class participation ratio per class')!.value).toMatch(/^ham 1\.00, spam 1\.00$/);
    expect(v.sample).toBe('30 of 30 test rows');
  });

  it('a diverse run passes the diversity checks; no report gives null', () => {
    const v = collapseView(report(false), ['ham', 'spam'])!;
    expect(v.figures.find((f) => f.label.startsWith('mean Jaccard of top-10 proponent'))).toMatchObject({ value: '0.00', check: { pass: true } });
    expect(v.figures.find((f) => f.label === 'top-1 proponent concentration')!.check!.pass).toBe(true);
    expect(collapseView(null, [])).toBeNull();
    expect(collapseView(undefined, [])).toBeNull();
  });
});
