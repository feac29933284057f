import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCheckpointWeights } from '@dualxda/llm-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedModelDir } from './assets.js';
import { checkpointModelHash, checkpointWeightFiles } from './file-hash.js';

// A sharded copy of tiny-llama (2 shards + index), written by the fixture script the llm-adapter tests use.
const ROOT = resolve(import.meta.dirname, '../../../..');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dualxda-ckpt-hash-'));
  execFileSync('/usr/bin/python3', [join(ROOT, 'tools/fixtures/model/make-checkpoint-variants.py'), embeddedModelDir('tiny-llama'), tmp], { stdio: 'pipe' });
}, 60_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('the checkpoint hash serve checks against the store', () => {
  it.each(['single', 'sharded'])('equals the modelHash llm-adapter records (%s weights)', async (kind) => {
    const dir = kind === 'single' ? embeddedModelDir('tiny-llama') : join(tmp, 'sharded');
    const files = await checkpointWeightFiles(dir);
    expect(files.length).toBe(kind === 'single' ? 1 : 2);
    expect(await checkpointModelHash(files)).toBe((await readCheckpointWeights(dir)).modelHash);
  });

  it('finds no weights in a folder without them', async () => {
    expect(await checkpointWeightFiles(tmp)).toEqual([]);
  });
});
