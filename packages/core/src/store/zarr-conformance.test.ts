import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveDualDAModel } from '../model/persist.js';
import { createSyntheticModel } from '../model/synthetic.js';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticBatches } from './test-data.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';
import { zarrV3Problems } from './zarr-conformance.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** Every zarr.json under `root`, following the model pointer (a symbolic link). */
async function metadataFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory() || e.isSymbolicLink()) out.push(...(await metadataFiles(p).catch(() => [])));
    else if (e.name === 'zarr.json') out.push(p);
  }
  return out;
}

describe('Zarr v3 conformance of everything dualxda writes', () => {
  it('the feature store (every array kind) and the saved model pass the spec metadata rules', async () => {
    const path = join(dir, 's');
    // Raw chunks (the default) for every dtype, plus the zstd layout of schema 1.
    for (const [name, dtype, codec] of [['f32', 'float32', 'raw'], ['f16', 'float16', 'raw'], ['i8', 'int8', 'raw'], ['f32z', 'float32', 'zstd']] as const) {
      const w = await createFeatureStoreWriter(join(path, name), { rows: 250, dim: 6, chunkRows: 100, dtype, codec, classNames: ['a', 'b', 'c'], texts: true, tokenOffsets: true, logitsDim: 3 });
      await w.write(syntheticBatches(0, 250, { dim: 6, texts: true, tokenOffsets: true, logitsDim: 3 }));
      await w.close();
      await finalizeFeatureStore(join(path, name));
    }
    await saveDualDAModel(join(path, 'f32'), createSyntheticModel({ n: 40, d: 6, K: 3 }).model);
    const files = await metadataFiles(path);
    const problems = [];
    for (const f of files) for (const p of zarrV3Problems(JSON.parse(await readFile(f, 'utf8')))) problems.push(`${relative(path, f)}: ${p}`);
    expect(problems).toEqual([]);
    // Feature arrays of four stores, plus the model group and its 7 arrays.
    expect(files.filter((f) => f.includes('/dualda/'))).toHaveLength(8);
    expect(files.length).toBeGreaterThan(20);
  });

  it('names what the old model arrays got wrong: an empty codec list and a null fill value', () => {
    const old = { zarr_format: 3, node_type: 'array', shape: [4, 2], data_type: 'float64', chunk_grid: { name: 'regular', configuration: { chunk_shape: [4, 2] } }, chunk_key_encoding: { name: 'default', configuration: { separator: '/' } }, fill_value: null, codecs: [], attributes: {} };
    expect(zarrV3Problems(old)).toEqual(['fill_value is required and must be a value of the data type (null is not allowed)', 'codecs must be a non-empty list (it needs one array-to-bytes codec)']);
    expect(zarrV3Problems({ ...old, fill_value: 0, codecs: [{ name: 'zstd' }, { name: 'bytes' }], extra: 1 })).toEqual([
      'unknown key extra (allowed only with "must_understand": false)',
      'codec zstd (bytes to bytes) must come after the array-to-bytes codec',
      'codec bytes: endian must be "little" or "big" for float64',
    ]);
    expect(zarrV3Problems({ ...old, data_type: 'int8', fill_value: 300, codecs: [{ name: 'bytes' }] })).toEqual(['fill_value 300 is out of range for int8']);
  });
});
