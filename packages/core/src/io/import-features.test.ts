import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { openFeatureStore } from '../store/feature-store.js';
import { tempDir } from '../store/test-utils.js';
import { importFeatures } from './import-features.js';
import { npyFeatureSource } from './npy-import.js';
import { parquetFeatureSource } from './parquet-import.js';
import { safetensorsFeatureSource } from './safetensors-import.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(FIX, name);
interface Expected {
  rows: number;
  dim: number;
  features: number[];
  labels: number[];
  ids: string[];
}
const expected = JSON.parse(await readFile(fx('expected.json'), 'utf8')) as Expected;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function expectStoreMatchesNumpy(path: string, ids: string[]) {
  const store = await openFeatureStore(path);
  expect(store.rows).toBe(expected.rows);
  expect(store.dim).toBe(expected.dim);
  const all = await store.readRows(0, store.rows);
  expect(Array.from(all.features)).toEqual(expected.features.map(Math.fround));
  expect(Array.from(all.labels)).toEqual(expected.labels);
  expect(all.ids).toEqual(ids);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

describe('feature import', () => {
  it.each(['features-f32.npy', 'features-f64.npy'])('imports %s written by numpy, with labels and int64 ids from .npy', async (name) => {
    const source = await npyFeatureSource({ features: fx(name), labels: fx('labels-i64.npy'), ids: fx('ids-i64.npy') });
    const result = await importFeatures(dir, source, { chunkRows: 4, classNames: ['a', 'b', 'c'] });
    expect(result.manifest?.idType).toBe('int64');
    await expectStoreMatchesNumpy(dir, expected.ids);
  });

  it('imports a safetensors file through the shared parser', async () => {
    await importFeatures(dir, await safetensorsFeatureSource(fx('features.safetensors'), { ids: 'ids' }), { chunkRows: 8 });
    await expectStoreMatchesNumpy(dir, expected.ids);
  });

  it('imports a Parquet fixed-size-list column', async () => {
    const file = join(dir, 'emb.parquet');
    const rows = Array.from({ length: expected.rows }, (_, r) => expected.features.slice(r * expected.dim, (r + 1) * expected.dim));
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'emb', data: rows },
        { name: 'label', data: Int32Array.from(expected.labels), type: 'INT32' },
        { name: 'key', data: expected.ids.map((s) => `k${s}`), type: 'STRING' },
      ],
      rowGroupSize: 5,
    });
    await writeFile(file, new Uint8Array(buf));
    await importFeatures(join(dir, 's'), await parquetFeatureSource(file, { features: 'emb', id: 'key' }), { chunkRows: 4 });
    await expectStoreMatchesNumpy(
      join(dir, 's'),
      expected.ids.map((s) => `k${s}`),
    );
  });

  it('rejects bad .npy inputs with errors naming the file and field', async () => {
    const fortran = await rejection(npyFeatureSource({ features: fx('features-fortran.npy'), labels: fx('labels-i64.npy') }));
    expect(isDualxdaError(fortran, 'InvalidInputError')).toBe(true);
    expect(fortran.message).toMatch(/features-fortran\.npy: field 'fortran_order'/);
    const dtype = await rejection(npyFeatureSource({ features: fx('features-i16.npy'), labels: fx('labels-i64.npy') }));
    expect(dtype.message).toMatch(/features-i16\.npy: field 'dtype'.*int16/);
    const short = await rejection(npyFeatureSource({ features: fx('features-f32.npy'), labels: fx('labels-short.npy') }));
    expect(short.message).toMatch(/labels-short\.npy: field 'labels'.*\(12\).*13/);
    const missing = await rejection(safetensorsFeatureSource(fx('features.safetensors'), { features: 'emb' }));
    expect(missing.message).toMatch(/features\.safetensors: field 'emb': no such tensor/);
  });
});
