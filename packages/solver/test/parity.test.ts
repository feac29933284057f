import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { solveCrammerSinger } from '../src/index.js';
import { identityError, makeBlobs, primalOf, runLiblinear, wTilde } from './helpers.js';

interface Fixture {
  datasets: {
    name: string;
    shape: [number, number];
    x: number[];
    labels: number[];
    runs: { C: number; weights: number[][]; primalObjective: number; predictions: number[] }[];
  }[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/liblinear-cs.json', import.meta.url), 'utf8')) as Fixture;

describe('Crammer–Singer parity with liblinear-train -s 4 -B 1 -e 1e-4 (committed fixtures)', () => {
  for (const ds of fixture.datasets) {
    for (const run of ds.runs) {
      it(`${ds.name}, C=${run.C}: primal within 1e-4 relative, predictions agree on >= 99.9%`, () => {
        const [n, d] = ds.shape;
        const x = Float64Array.from(ds.x);
        const r = solveCrammerSinger({ data: x, shape: [n, d] }, Int32Array.from(ds.labels), { C: run.C });
        expect(r.stopReason).toBe('tolerance');
        const y = Int32Array.from(ds.labels, (v) => (r.labelMapping ? r.labelMapping.indexOf(v) : v));
        const ours = primalOf(wTilde(r), r.classes, x, y, n, d, run.C);
        expect(Math.abs(ours.primal - r.primalObjective) / r.primalObjective).toBeLessThan(1e-12);
        expect(Math.abs(r.primalObjective - run.primalObjective) / run.primalObjective).toBeLessThan(1e-4);
        let agree = 0;
        for (let i = 0; i < n; i++) if (ours.pred[i] === run.predictions[i]) agree++;
        expect(agree / n).toBeGreaterThanOrEqual(0.999);
        expect(identityError(r, x, y, n, run.C)).toBeLessThan(1e-9);
      });
    }
  }
});

describe('Crammer–Singer parity with the liblinear-train CLI on a fresh random dataset', () => {
  it('finds liblinear-train on PATH (CI installs liblinear-tools)', () => {
    expect(() => runLiblinear(Float64Array.of(1, 0, 0, 1), Int32Array.of(0, 1), 2, 2, 1)).not.toThrow();
  });
  const seed = (Date.now() % 100_000) + 1;
  for (const C of [1e-3, 1e-1]) {
    it(`seed ${seed}, C=${C}: matches the CLI's primal and predictions`, () => {
      // Blobs with spread 0.8: on heavily overlapping data two 1e-4-accurate solutions may disagree on
      // a few boundary rows; here at most 0.1% may.
      const n = 2000, d = 10, K = 5;
      const { x, y } = makeBlobs(n, d, K, seed * 7 + Math.round(-Math.log10(C)), 0.8);
      const wll = runLiblinear(x, y, n, d, C);
      const ll = primalOf(wll, K, x, y, n, d, C);
      const r = solveCrammerSinger({ data: x, shape: [n, d] }, y, { C, seed });
      const ours = primalOf(wTilde(r), K, x, y, n, d, C);
      expect(Math.abs(ours.primal - ll.primal) / ll.primal).toBeLessThan(1e-4);
      let agree = 0;
      for (let i = 0; i < n; i++) if (ours.pred[i] === ll.pred[i]) agree++;
      expect(agree / n).toBeGreaterThanOrEqual(0.999);
    });
  }
});
