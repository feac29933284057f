import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStoreIO } from './store-io.js';
import { tempDir } from './test-utils.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('dualxda-io-')));
afterEach(() => cleanup());

describe('atomic filesystem writes on a shared store', () => {
  it('two writers with the same pid (containers on two nodes) can write the same key at once', async () => {
    // Each StoreIO stands for one process; on a cluster, pods or nodes often run dualxda under the
    // same pid, so a pid-only temp name would be shared and one rename would fail with ENOENT.
    const a = await openStoreIO(dir);
    const b = await openStoreIO(dir);
    const bytes = new TextEncoder().encode('{"same":"spec"}\n');
    for (let round = 0; round < 20; round++) await Promise.all([a.put('dualxda-build.json', bytes), b.put('dualxda-build.json', bytes)]);
    expect(await readFile(join(dir, 'dualxda-build.json'), 'utf8')).toBe('{"same":"spec"}\n');
    expect(await readdir(dir)).toEqual(['dualxda-build.json']);
  });
});
