import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finalizeFeatureStore } from './finalize.js';
import { syntheticBatches } from './test-data.js';
import { tempDir } from './test-utils.js';
import { createFeatureStoreWriter } from './writer.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '../../../..');
const OPTS = { rows: 300, dim: 4, chunkRows: 100, classNames: ['a', 'b', 'c'] };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** A writer of shard 0/1 in another process that takes the lock, says READY and hangs. */
function holder(path: string) {
  const code = `
    const { createFeatureStoreWriter } = await import(${JSON.stringify(join(HERE, 'writer.ts'))});
    await createFeatureStoreWriter(${JSON.stringify(path)}, ${JSON.stringify(OPTS)});
    console.log('READY');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve()));
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, ready, exit };
}

describe('one writer per shard', () => {
  it('refuses a second live writer of the same shard, and takes over the lock once that process is killed', async () => {
    const path = join(dir, 's');
    const h = holder(path);
    await h.ready;
    await expect(createFeatureStoreWriter(path, OPTS)).rejects.toThrow(new RegExp(`shard 0/1 is being written by pid ${h.child.pid} on this host since`));
    // Another shard of the same store is not blocked.
    const other = await createFeatureStoreWriter(path, { ...OPTS, shard: { index: 1, count: 2 } });
    await other.close();
    h.child.kill('SIGKILL');
    await h.exit;
    const w = await createFeatureStoreWriter(path, OPTS);
    await w.write(syntheticBatches(0, 300, { dim: 4 }));
    expect((await w.close()).complete).toBe(true);
    await finalizeFeatureStore(path);
  });

  it('refuses a lock held on another host, naming the file to delete', async () => {
    const path = join(dir, 's');
    const w = await createFeatureStoreWriter(path, OPTS);
    const lock = join(path, 'shards', '0-of-1.lock');
    const body = JSON.parse(await readFile(lock, 'utf8')) as { host: string };
    expect(body.host).not.toBe('');
    await writeFile(lock, JSON.stringify({ host: 'node-17', pid: 4242, since: '2026-01-01T00:00:00Z' }));
    await expect(createFeatureStoreWriter(path, OPTS)).rejects.toThrow(/pid 4242 on host node-17 since 2026-01-01T00:00:00Z; wait for it, or if that job is dead .* delete .*shards\/0-of-1\.lock and rerun/);
    void w;
  });
});
