import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFeatureStore } from '@dualxda/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { run } from './helpers.js';

/** `dualxda cache --codec`: raw numeric arrays by default, zstd on request, the same features either way. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-codec-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').slice(0, 24);
  await writeFile(join(dir, 'c.jsonl'), lines.join('\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const codecs = async (store: string): Promise<string[]> => {
  const meta = JSON.parse(await readFile(join(dir, store, 'features', 'zarr.json'), 'utf8')) as { codecs: { name: string }[] };
  return meta.codecs.map((c) => c.name);
};

describe('cache --codec', () => {
  it('stores features raw by default and zstd on request, with identical values', async () => {
    for (const [out, extra] of [['raw', []], ['zstd', ['--codec', 'zstd']]] as const) {
      const r = await run(['cache', '--model', embeddedModelDir('tiny-bert'), '--data', 'c.jsonl', '--out', out, '-q', ...extra], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await codecs('raw')).not.toContain('zstd');
    expect(await codecs('zstd')).toContain('zstd');
    const [a, b] = await Promise.all(['raw', 'zstd'].map(async (s) => (await openFeatureStore(join(dir, s))).readRows(0, 24)));
    expect(Array.from(b!.features)).toEqual(Array.from(a!.features));
  });

  it('--workers 2 runs the graph on worker threads and writes the same store values', async () => {
    const r = await run(['cache', '--model', embeddedModelDir('tiny-bert'), '--data', 'c.jsonl', '--out', 'workers', '--chunk-rows', '8', '--workers', '2', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = await Promise.all(['raw', 'workers'].map(async (s) => openFeatureStore(join(dir, s))));
    const [ra, rb] = await Promise.all([a!.readRows(0, 24), b!.readRows(0, 24)]);
    expect(Array.from(rb.features)).toEqual(Array.from(ra.features));
    expect(Array.from(await b!.readLogits(0, 24))).toEqual(Array.from(await a!.readLogits(0, 24)));
  });

  it('names the option and its values on a bad codec', async () => {
    const r = await run(['cache', '--model', embeddedModelDir('tiny-bert'), '--data', 'c.jsonl', '--out', 'x', '--codec', 'lz4'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--codec must be one of raw, zstd; got 'lz4'/);
  });
});
