import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { loadDualDAModel, saveDualDAModel } from '../model/persist.js';
import { createSyntheticModel } from '../model/synthetic.js';
import { openFeatureStore } from './feature-store.js';
import { finalizeFeatureStore } from './finalize.js';
import { isHttpUrl, storeKeyUrl } from './http-store.js';
import { readStoreKey } from './store-io.js';
import { syntheticBatches } from './test-data.js';
import { serveDirectory, type StaticServer } from './test-static-server.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

const ROWS = 300;
const DIM = 6;
const OPTS = { rows: ROWS, dim: DIM, chunkRows: 64, classNames: ['a', 'b', 'c'], texts: true, logitsDim: 3 };

let dir: string;
let cleanup: () => Promise<void>;
let server: StaticServer;
/** Paths answered with this status instead of the file (set per test). */
const failures = new Map<string, number>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('dualxda-http-'));
  const store = join(dir, 'train.zarr');
  const w = await createFeatureStoreWriter(store, OPTS);
  await w.write(syntheticBatches(0, ROWS, { dim: DIM, texts: true, logitsDim: 3 }));
  await w.close();
  await finalizeFeatureStore(store);
  await saveDualDAModel(store, createSyntheticModel({ n: ROWS, d: DIM, K: 3, seed: 7 }).model);
  await cp(store, join(dir, 'corrupt.zarr'), { recursive: true });
  const chunk = join(dir, 'corrupt.zarr', 'features', 'c', '2', '0');
  const bytes = await readFile(chunk);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(chunk, bytes);
  server = await serveDirectory(dir, (path) => failures.get(path));
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

async function caught(p: Promise<unknown>): Promise<Error & { _tag?: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('stores read over HTTP from a static file server', () => {
  it('reads the same manifest, rows and model as the local path', async () => {
    const local = await openFeatureStore(join(dir, 'train.zarr'));
    const remote = await openFeatureStore(`${server.url}/train.zarr/`);
    expect(remote.path).toBe(`${server.url}/train.zarr`);
    expect(remote.manifest).toEqual(local.manifest);
    expect(await remote.readRows(0, ROWS)).toEqual(await local.readRows(0, ROWS));
    expect(await remote.gatherTexts([5, 299, 64])).toEqual(await local.gatherTexts([5, 299, 64]));
    expect(await remote.readLogits(10, 20)).toEqual(await local.readLogits(10, 20));
    expect(await loadDualDAModel(`${server.url}/train.zarr`)).toEqual(await loadDualDAModel(join(dir, 'train.zarr')));
    // Every chunk was read with its sidecar: the checksum files were fetched too.
    expect(server.requests).toContain('/train.zarr/checksums/4.json');
  });

  it('still verifies checksums: a flipped byte is a ChunkError naming the chunk', async () => {
    const store = await openFeatureStore(`${server.url}/corrupt.zarr`);
    const err = await caught(store.readRows(128, 192));
    expect(err._tag).toBe('ChunkError');
    expect(err.message).toMatch(/corrupt\.zarr: chunk 2 of array 'features' \(features\/c\/2\/0\) fails its checksum \(corrupted\)/);
  });

  it('treats 404 as missing and names the URL and status of any other failure', async () => {
    const missing = await caught(openFeatureStore(`${server.url}/nope.zarr`));
    expect(missing._tag).toBe('StoreFormatError');
    expect(missing.message).toMatch(/nope\.zarr: no zarr.json/);
    expect(await readStoreKey(`${server.url}/train.zarr`, 'dualxda-run.json')).toBeUndefined();

    failures.set('/train.zarr/zarr.json', 500);
    const root = await caught(openFeatureStore(`${server.url}/train.zarr`));
    expect(root._tag).toBe('StoreHttpError');
    expect(root.message).toBe(`${server.url}/train.zarr/zarr.json: HTTP 500 Internal Server Error`);
    failures.clear();

    const store = await openFeatureStore(`${server.url}/train.zarr`);
    failures.set('/train.zarr/checksums/1.json', 503);
    const sidecar = await caught(store.readRows(64, 65));
    expect(sidecar._tag).toBe('StoreHttpError');
    expect(sidecar.status).toBe(503);
    failures.set('/train.zarr/dualda/sv_alpha/zarr.json', 502);
    const model = await caught(loadDualDAModel(`${server.url}/train.zarr`));
    expect(model.message).toBe(`${server.url}/train.zarr/dualda/sv_alpha/zarr.json: HTTP 502 Bad Gateway`);
    failures.clear();
  });

  it('says the server cannot be reached (ECONNREFUSED) when nothing listens', async () => {
    const gone = await serveDirectory(dir);
    await gone.close();
    const err = await caught(openFeatureStore(`${gone.url}/train.zarr`));
    expect(isDualxdaError(err, 'StoreHttpError')).toBe(true);
    expect(err.message).toBe(`${gone.url}/train.zarr/zarr.json: cannot reach the server (ECONNREFUSED)`);
  });

  it('refuses every write with ReadOnlyStoreError naming the URL', async () => {
    const url = `${server.url}/new.zarr`;
    const writer = await caught(createFeatureStoreWriter(url, OPTS));
    expect(writer._tag).toBe('ReadOnlyStoreError');
    expect(writer.message).toBe(`${url}: cannot write to an HTTP store; copy it locally or use a shared file system`);
    const model = await caught(saveDualDAModel(`${server.url}/train.zarr`, createSyntheticModel({ n: 5, d: 2, K: 2 }).model));
    expect(model._tag).toBe('ReadOnlyStoreError');
  });

  it('tells URLs from paths and joins keys below the store', () => {
    expect(isHttpUrl('HTTPS://h/x')).toBe(true);
    expect(isHttpUrl('./http:/x')).toBe(false);
    expect(storeKeyUrl('http://h/a/train.zarr?sig=1', 'dualda')).toBe('http://h/a/train.zarr/dualda?sig=1');
    expect(storeKeyUrl('http://h/a/train.zarr/', '/zarr.json')).toBe('http://h/a/train.zarr/zarr.json');
  });
});
