import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, writeNpy } from './helpers.js';

let dir: string;
const N = 600;
const D = 8;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-reimport-'));
  const a = Array.from({ length: N * D }, (_, i) => Math.sin(i));
  const b = a.map((v) => v + 1);
  await writeNpy(join(dir, 'A.npy'), '<f4', [N, D], a);
  await writeNpy(join(dir, 'B.npy'), '<f4', [N, D], b);
  await writeNpy(join(dir, 'y.npy'), '<i8', [N], Array.from({ length: N }, (_, i) => i % 2));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cache import records what it imported', () => {
  it('re-importing the same files resumes; other files of the same shape are refused, the old store untouched', async () => {
    const first = await run(['cache', 'import', '--features', 'A.npy', '--labels', 'y.npy', '--out', 's', '--json', '-q'], dir);
    expect(first.code, first.stderr).toBe(0);
    const again = await run(['cache', 'import', '--features', 'A.npy', '--labels', 'y.npy', '--out', 's', '--json', '-q'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ chunksWritten: 0 });
    const manifest = await readFile(join(dir, 's', 'zarr.json'));
    const other = await run(['cache', 'import', '--features', 'B.npy', '--labels', 'y.npy', '--out', 's'], dir);
    expect(other.code).toBe(EXIT_CODES.input);
    expect(other.stderr).toMatch(/s: --out holds a store imported from other files \(or other contents of them\); nothing was written\nhint: choose another --out, or delete that store to re-import/);
    expect(await readFile(join(dir, 's', 'zarr.json'))).toEqual(manifest);
    const info = JSON.parse(manifest.toString()) as { attributes: { dualxda: { datasetRevision: string } } };
    expect(info.attributes.dualxda.datasetRevision).toMatch(/^[0-9a-f]{64}$/);
  });
});
