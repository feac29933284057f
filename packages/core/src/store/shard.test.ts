import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticBatches } from './test-data.js';
import { diffSnapshots, snapshotDir, tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

const ROWS = 2000;
const DIM = 12;
const CHUNK = 128;
const OPTS = { rows: ROWS, dim: DIM, chunkRows: CHUNK, classNames: ['a', 'b', 'c'], texts: true };
const CREATED = '2026-01-01T00:00:00.000Z';
const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '../../../..');

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/**
 * Runs one shard in a separate Node process, as a scheduler would. With `hangAfter`, the worker
 * stops feeding rows after that many rows (mid-chunk), prints READY and waits to be killed.
 */
function worker(path: string, index: number, count: number, hangAfter?: number) {
  const code = `
    const { createFeatureStoreWriter } = await import(${JSON.stringify(join(HERE, 'writer.ts'))});
    const { syntheticBatches } = await import(${JSON.stringify(join(HERE, 'test-data.ts'))});
    const w = await createFeatureStoreWriter(${JSON.stringify(path)}, { ...${JSON.stringify(OPTS)}, shard: { index: ${index}, count: ${count} } });
    const hang = ${hangAfter ?? -1};
    for (const b of syntheticBatches(w.range.start, w.range.end, { dim: ${DIM}, texts: true, batchRows: 50 })) {
      if (hang >= 0 && w.cursor - w.range.start >= hang) { console.log('READY'); await new Promise(() => setInterval(() => {}, 1000)); }
      await w.append(b);
    }
    const s = await w.close();
    if (!s.complete) throw new Error('incomplete');`;
  const child = spawn(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { child, ready, exit, stderr: () => stderr };
}

async function singleProcessBuild(path: string): Promise<Map<string, Buffer>> {
  const w = await createFeatureStoreWriter(path, OPTS);
  await w.write(syntheticBatches(0, ROWS, { dim: DIM, texts: true, batchRows: 333 }));
  await w.close();
  await finalizeFeatureStore(path, { createdAt: CREATED });
  return snapshotDir(path);
}

describe('sharded, resumable builds', () => {
  it('3 concurrent worker processes produce a store byte-identical to a single-process build', async () => {
    const reference = await singleProcessBuild(join(dir, 'single'));
    const sharded = join(dir, 'sharded');
    const workers = [0, 1, 2].map((i) => worker(sharded, i, 3));
    const codes = await Promise.all(workers.map((w) => w.exit));
    expect(codes, workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0, 0]);
    await finalizeFeatureStore(sharded, { createdAt: CREATED });
    expect(diffSnapshots(reference, await snapshotDir(sharded))).toEqual([]);
    expect(reference.size).toBeGreaterThan(16 * 6);
  });

  it('a worker killed with SIGKILL mid-chunk and restarted yields the identical store', async () => {
    const reference = await singleProcessBuild(join(dir, 'single'));
    const path = join(dir, 'killed');
    const w = worker(path, 0, 1, 5 * CHUNK + 40);
    await w.ready;
    w.child.kill('SIGKILL');
    expect(await w.exit).toBe(null);
    // Simulate what a kill during a chunk write can leave: a stray temp file and a torn chunk file
    // whose sidecar was never written.
    await mkdir(join(path, 'features', 'c', '5'), { recursive: true });
    await writeFile(join(path, 'features', 'c', '5', '.tmp-999-0-0'), 'partial');
    await writeFile(join(path, 'features', 'c', '5', '0'), 'torn');
    const resumed = await createFeatureStoreWriter(path, OPTS);
    // Chunk 4's files are written while chunk 5 fills, so the kill may come before or after they
    // reached the disk; chunks 0-3 are complete either way, chunk 5 never is.
    const missing = resumed.missingRanges();
    expect(missing).toHaveLength(1);
    expect([4 * CHUNK, 5 * CHUNK]).toContain(missing[0]?.start);
    expect(missing[0]?.end).toBe(ROWS);
    const skipped = (missing[0]?.start ?? 0) / CHUNK;
    await resumed.write(syntheticBatches(0, ROWS, { dim: DIM, texts: true, batchRows: 333 }));
    expect(await resumed.close()).toMatchObject({ complete: true, chunksSkipped: skipped, chunksWritten: 16 - skipped });
    await finalizeFeatureStore(path, { createdAt: CREATED });
    expect(diffSnapshots(reference, await snapshotDir(path))).toEqual([]);
  });

  it('resume rewrites a chunk that was completed but later corrupted', async () => {
    const path = join(dir, 'store');
    const reference = await singleProcessBuild(path);
    const key = join(path, 'labels', 'c', '3');
    const bytes = await readFile(key);
    bytes[0] ^= 1;
    await writeFile(key, bytes);
    const w = await createFeatureStoreWriter(path, OPTS);
    expect(w.missingRanges()).toEqual([{ start: 3 * CHUNK, end: 4 * CHUNK }]);
    w.seek(3 * CHUNK);
    await w.write(syntheticBatches(3 * CHUNK, 4 * CHUNK, { dim: DIM, texts: true }));
    expect((await w.close()).chunksWritten).toBe(1);
    await finalizeFeatureStore(path, { createdAt: CREATED });
    expect(diffSnapshots(reference, await snapshotDir(path))).toEqual([]);
  });
});
