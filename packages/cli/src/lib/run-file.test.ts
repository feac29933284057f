import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../exit-codes.js';
import { readRunRecord, RUN_FILE, writeRunRecord } from './run-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('run record', () => {
  it('stores paths relative to the store and reads them back absolute', async () => {
    const store = join(dir, 'train');
    await mkdir(store);
    await writeRunRecord(store, { testStore: join(dir, 'test'), modelDir: '/models/spam', createdBy: 'dualxda demo' });
    const raw = JSON.parse(await readFile(join(store, RUN_FILE), 'utf8')) as Record<string, string>;
    expect(Object.keys(raw).sort()).toEqual(['createdBy', 'modelDir', 'testStore']);
    expect(raw['testStore']).toBe('../test');
    expect(await readRunRecord(store)).toEqual({ testStore: join(dir, 'test'), modelDir: '/models/spam', createdBy: 'dualxda demo' });
  });

  it('merges updates and is absent when there is no file', async () => {
    expect(await readRunRecord(dir)).toBeUndefined();
    await writeRunRecord(dir, { modelDir: join(dir, 'm'), createdBy: 'dualxda cache' });
    await writeRunRecord(dir, { testStore: join(dir, 't'), createdBy: 'dualxda demo' });
    expect(await readRunRecord(dir)).toEqual({ modelDir: join(dir, 'm'), testStore: join(dir, 't'), createdBy: 'dualxda demo' });
  });

  it('survives every shard of a cluster recording the run at once (same pid on every node)', async () => {
    // `cache --shard` on N pods/nodes all write this file; pids repeat across hosts, so the temp
    // name must not be the pid alone (one rename would fail with ENOENT and fail its shard).
    const record = { modelDir: join(dir, 'm'), createdBy: 'dualxda cache' };
    for (let round = 0; round < 10; round++) await Promise.all([1, 2, 3, 4].map(() => writeRunRecord(dir, record)));
    expect(await readRunRecord(dir)).toEqual(record);
  });

  it('ignores URLs inside the run file (only URLs the user names are fetched)', async () => {
    await writeFile(join(dir, RUN_FILE), JSON.stringify({ testStore: 'http://elsewhere.example/test', modelDir: 'https://elsewhere.example/m', createdBy: 'x' }));
    expect(await readRunRecord(dir)).toEqual({ createdBy: 'x' });
  });

  it('names the file when it is not JSON', async () => {
    await writeFile(join(dir, RUN_FILE), '{oops');
    await expect(readRunRecord(dir)).rejects.toMatchObject({ exitCode: EXIT_CODES.input, message: expect.stringContaining(`${RUN_FILE}: is not valid JSON`) });
  });
});

describe('run file validation', () => {
  it('names a field of the wrong type instead of ignoring it', async () => {
    await writeFile(join(dir, RUN_FILE), JSON.stringify({ testStore: 42, createdBy: 'x' }));
    await expect(readRunRecord(dir)).rejects.toThrow(/dualxda-run\.json: field 'testStore' must be a string, got 42/);
    await writeFile(join(dir, RUN_FILE), '[1]');
    await expect(readRunRecord(dir)).rejects.toThrow(/is not a JSON object/);
  });
});
