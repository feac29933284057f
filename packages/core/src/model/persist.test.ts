import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { loadDualDAModel, saveDualDAModel } from './persist.js';
import { createSyntheticModel } from './synthetic.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualda-persist-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveDualDAModel / loadDualDAModel', () => {
  it('round-trips every field bit-exactly and leaves no temp dirs', async () => {
    const { model } = createSyntheticModel({ n: 50, d: 7, K: 3, seed: 2 });
    model.diagnostics = { iterations: 12, converged: true, objective: -0.5 };
    await saveDualDAModel(dir, model);
    const back = await loadDualDAModel(dir);
    expect(back).toEqual(model);
    expect(back.svAlpha).toBeInstanceOf(Float64Array);
    const names = await readdir(dir);
    expect(names).toEqual(['dualda', expect.stringMatching(/^dualda\.\d{8}T\d{9}Z-\d+-\w+$/)]);
    expect(await readlink(join(dir, 'dualda'))).toBe(names[1]);
  });

  it('round-trips a candidate-set model (classIds) and refuses bad class ids', async () => {
    const { model } = createSyntheticModel({ n: 30, d: 4, K: 3, seed: 3 });
    model.classIds = [5, 17, 31999];
    await saveDualDAModel(dir, model);
    const back = await loadDualDAModel(dir);
    expect(back.classIds).toEqual([5, 17, 31999]);
    expect(back).toEqual(model);
    await expect(saveDualDAModel(dir, { ...model, classIds: [5, 5, 7] })).rejects.toThrow(/classIds: must be ascending, distinct/);
    await expect(saveDualDAModel(dir, { ...model, classIds: [5] })).rejects.toThrow(/classIds: length 1, expected K = 3/);
  });

  it('replaces an existing model atomically', async () => {
    await saveDualDAModel(dir, createSyntheticModel({ n: 20, d: 4, K: 2, seed: 1 }).model);
    const second = createSyntheticModel({ n: 30, d: 5, K: 3, seed: 4 }).model;
    await saveDualDAModel(dir, second);
    expect((await loadDualDAModel(dir)).svIds).toEqual(second.svIds);
    // The previous version stays as a rollback target; a third save drops the oldest.
    const [, v1, v2] = await readdir(dir);
    await saveDualDAModel(dir, createSyntheticModel({ n: 10, d: 3, K: 2, seed: 9 }).model);
    const after = await readdir(dir);
    expect(after).toHaveLength(3);
    expect(after).not.toContain(v1);
    expect(after).toContain(v2);
  });

  it('fails with errors naming the path or field', async () => {
    await expect(loadDualDAModel(dir)).rejects.toThrow(/no DualDA model here/);
    await expect(saveDualDAModel(join(dir, 'nope'), createSyntheticModel({ n: 5, d: 2, K: 2 }).model)).rejects.toThrow(/does not exist/);
    const bad = { ...createSyntheticModel({ n: 5, d: 2, K: 2 }).model, svNorms: new Float32Array(1) };
    await expect(saveDualDAModel(dir, bad)).rejects.toThrow(/svNorms/);
    await saveDualDAModel(dir, createSyntheticModel({ n: 10, d: 2, K: 2 }).model);
    await writeFile(join(dir, 'dualda', 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: { schemaVersion: 1 } }));
    const err: unknown = await loadDualDAModel(dir).catch((e: unknown) => e);
    expect(isDualxdaError(err, 'DualDAModelIoError')).toBe(true);
    expect(String(err)).toMatch(/attribute 'nSV'/);
  });
});
