/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureSpectrum, type CollapseReport, type Summary } from '@dualxda/core';
import { collapseFilePath } from '../src/lib/collapse-file.js';
import { startDashboardServer } from '../src/serve/server.js';
import { createSyntheticRun, syntheticStoreContent, type SyntheticRun } from '../src/serve/synthetic-data.js';
import { getJson } from '../src/serve/test-http.js';
import { writeRun } from '../src/serve/write-stores.js';
import { run, writeNpy } from './helpers.js';

/**
 * The collapse alarm end to end: `fit` records `<store>/dualda/collapse.json`, `fit --json`,
 * `inspect --json` and `/api/summary` carry the same report, and rank-1 features trip the warning.
 */
let dir: string;
let synthetic: SyntheticRun;

type FitJson = { collapse: CollapseReport | null };
type InspectJson = { collapse: CollapseReport | null; collapseRecorded: boolean };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-collapse-'));
  // A demo-shaped run (train + test store with logits + run file) ...
  synthetic = createSyntheticRun({ trainRows: 240, testRows: 90, dim: 12, classNames: ['a', 'b', 'c'], seed: 5 });
  await writeRun(join(dir, 'demo'), syntheticStoreContent(synthetic, 'train'), syntheticStoreContent(synthetic, 'test'), synthetic.solution);
  // ... and a store of rank-1 features (every row a multiple of one vector), without a run file.
  const n = 120;
  const d = 8;
  const v = Array.from({ length: d }, (_, j) => Math.cos(j + 1));
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const X = labels.flatMap((y, i) => v.map((x) => (y === 0 ? -1 : 1) * (1 + ((i * 37) % 11) / 10) * x));
  await writeNpy(join(dir, 'X.npy'), '<f8', [n, d], X);
  await writeNpy(join(dir, 'y.npy'), '<i8', [n], labels);
  const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'rank1', '--class-names', 'ham,spam'], dir);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('collapse alarm in fit, inspect and serve', () => {
  it('fit records the report (queries from the run file’s test store) and fit/inspect/api JSON agree', async () => {
    const fit = await run(['fit', 'demo/train', '--C', '0.1', '--json'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const report = (JSON.parse(fit.stdout) as FitJson).collapse!;
    expect(report).toMatchObject({ schemaVersion: 1, queries: { source: 'test', rows: 90, sampled: 90, targets: 'model' }, spectrum: { rows: 240, dim: 12 } });
    expect(report.diversity!.proponents.queries).toBe(90);
    // The CLI streams the store chunk by chunk; the one-shot spectrum of the same rows must agree.
    const direct = featureSpectrum({ data: synthetic.train.features, shape: [240, 12] }, synthetic.train.labels);
    expect(report.spectrum.uncentred.participationRatio).toBeCloseTo(direct.uncentred.participationRatio, 9);
    expect(report.spectrum.withinClass!.pooled.participationRatio).toBeCloseTo(direct.withinClass!.pooled.participationRatio, 9);
    expect(existsSync(collapseFilePath(join(dir, 'demo/train')))).toBe(true);

    const inspect = JSON.parse((await run(['inspect', 'demo/train', '--json'], dir)).stdout) as InspectJson;
    expect(inspect.collapseRecorded).toBe(true);
    expect(inspect.collapse).toEqual(report);

    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'assets', 'index.html'), '<!doctype html>');
    const server = await startDashboardServer({ store: join(dir, 'demo/train'), port: 0, assetsDir: join(dir, 'assets') });
    try {
      const { status, body } = await getJson<Summary>(server.port, '/api/summary');
      expect(status).toBe(200);
      expect(body.collapse).toEqual(report);
    } finally {
      await server.close();
    }
  });

  it('rank-1 features: PR ≈ 1, class-level verdict, a plain-words warning in text and JSON', async () => {
    const text = await run(['fit', 'rank1', '--C', '0.5'], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/collapse check: class-level explanations/);
    expect(text.stdout).toMatch(/uncentred second moment: +participation ratio 1\.00/);
    expect(text.stderr).toMatch(/warning: explanations are class-level, not about the individual input\. The features are nearly rank-1: participation ratio 1\.00/);
    expect(text.stderr).toMatch(/is the top proponent of \d+(\.\d)?% of the sampled training rows/);

    const json = JSON.parse((await run(['fit', 'rank1', '--C', '0.5', '--json'], dir)).stdout) as FitJson;
    const r = json.collapse!;
    expect(r.queries).toMatchObject({ source: 'train', rows: 120, sampled: 120, targets: 'surrogate' });
    expect(r.spectrum.uncentred.participationRatio).toBeLessThan(1.001);
    expect(r.spectrum.uncentred.topShare).toBeGreaterThan(0.999);
    expect(r.verdict.level).toBe('class');
    expect(r.verdict.checks.find((c) => c.id === 'participation-ratio')!.pass).toBe(false);
    expect(r.verdict.warning).toMatch(/nearly rank-1/);
    // Self matches are excluded: no query's own row appears in its lists, so top-1 is never "itself".
    expect(r.diversity!.proponents.top1Concentration).toBeGreaterThan(0.05);
  });

  it('inspect computes the report for a model fitted without one, without writing to the store', async () => {
    await rm(collapseFilePath(join(dir, 'rank1')));
    const r = await run(['inspect', 'rank1', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as InspectJson;
    expect(info.collapseRecorded).toBe(false);
    expect(info.collapse!.verdict.level).toBe('class');
    expect(existsSync(collapseFilePath(join(dir, 'rank1')))).toBe(false);
    const human = await run(['inspect', 'rank1'], dir);
    expect(human.stdout).toMatch(/collapse check: class-level explanations \(computed now/);
  });

  it('a malformed report is an input error naming the file', async () => {
    writeFileSync(collapseFilePath(join(dir, 'rank1')), '{"schemaVersion": 2}');
    const r = await run(['inspect', 'rank1'], dir);
    expect(r.stderr).toMatch(/collapse\.json: is not a collapse report/);
    expect(r.code).not.toBe(0);
  });
});
