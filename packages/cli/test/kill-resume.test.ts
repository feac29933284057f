import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDualDAModel } from '@dualxda/core';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, snapshot, writeNpy } from './helpers.js';

/**
 * kill -9 of the real `dualxda` process (what a scheduler or the OOM killer does) at points of a
 * 130k-row `cache import` and of a `fit`, then the same command again: the import resumes to the
 * bytes of an uninterrupted one, a killed fit leaves a complete model; and a second writer of a
 * store that a live process holds is refused.
 */
const BIN = fileURLToPath(new URL('../bin/dualxda.js', import.meta.url));
const ROWS = 130_000;
const DIM = 32;
let dir: string;

function start(argv: string[]): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))), stderr: () => stderr };
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Complete chunks: sidecars `k.json` (not the temp files they are written through). */
const sidecars = (store: string): number => (existsSync(join(store, 'checksums')) ? readdirSync(join(store, 'checksums')).filter((f) => /^\d+\.json$/.test(f)).length : 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-kill-'));
  const x = new Float32Array(ROWS * DIM);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) + ((i % DIM) === 0 ? Math.floor(i / DIM) % 3 : 0);
  await writeNpy(join(dir, 'X.npy'), '<f4', [ROWS, DIM], x);
  // Labels already 0..K-1 at 130k rows: the size where a spread into Math.max overflowed the stack.
  await writeNpy(join(dir, 'y.npy'), '<i8', [ROWS], Array.from({ length: ROWS }, (_, i) => i % 3));
  const clean = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'clean', '-q'], dir);
  expect(clean.code, clean.stderr).toBe(0);
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The store's files, with the manifest's finalize time blanked (it records when, not what). */
async function contents(store: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [k, v] of await snapshot(store)) out.set(k, k === 'zarr.json' ? v.toString().replace(/"createdAt": "[^"]+"/, '"createdAt": ""') : v.toString('base64'));
  return out;
}

describe('kill -9 and resume', () => {
  it.each([1, 6, 15])('a 130k-row cache import killed after %i chunks resumes to the bytes of an uninterrupted import', async (chunks) => {
    const out = join(dir, `killed-${chunks}`);
    const job = start(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', out, '-q']);
    await until(() => sidecars(out) >= chunks || job.child.exitCode !== null, `${chunks} chunks`);
    job.child.kill('SIGKILL');
    await job.exit;
    const resumed = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', out, '--json', '-q'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { chunksSkipped: number }).chunksSkipped).toBeGreaterThanOrEqual(chunks);
    expect(await contents(out)).toEqual(await contents(join(dir, 'clean')));
  }, 120_000);

  it('a `cache` of a corpus killed after 2 chunks resumes to the bytes of an uninterrupted cache', async () => {
    const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '').slice(0, 2000);
    await writeFile(join(dir, 'corpus.jsonl'), lines.map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), label: i % 3 })).join('\n'));
    const args = (out: string) => ['cache', '--model', embeddedModelDir('tiny-bert'), '--data', 'corpus.jsonl', '--out', out, '--chunk-rows', '200', '-q'];
    const clean = await run(args('cache-clean'), dir);
    expect(clean.code, clean.stderr).toBe(0);
    const job = start(args('cache-killed'));
    await until(() => sidecars(join(dir, 'cache-killed')) >= 2 || job.child.exitCode !== null, '2 chunks');
    job.child.kill('SIGKILL');
    await job.exit;
    const resumed = await run([...args('cache-killed'), '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { chunksSkipped: number }).chunksSkipped).toBeGreaterThanOrEqual(2);
    expect(await contents(join(dir, 'cache-killed'))).toEqual(await contents(join(dir, 'cache-clean')));
  }, 180_000);

  it('a fit killed while it solves keeps the previous model; the next fit replaces it and leaves no temporaries', async () => {
    const first = await run(['fit', 'clean', '--C', '0.001', '-q'], dir);
    expect(first.code, first.stderr).toBe(0);
    const job = start(['fit', 'clean', '--C', '0.05']);
    await until(() => /pass|iteration|solving|fit:/i.test(job.stderr()) || job.child.exitCode !== null, 'the solver to start');
    job.child.kill('SIGKILL');
    await job.exit;
    const model = await loadDualDAModel(join(dir, 'clean'));
    expect([0.001, 0.05]).toContain(model.C);
    const again = await run(['fit', 'clean', '--C', '0.05', '-q'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect((await loadDualDAModel(join(dir, 'clean'))).C).toBe(0.05);
    expect((await readdir(join(dir, 'clean'))).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 180_000);

  it('a second writer of a store held by a live process is refused, naming the holder', async () => {
    const holder = spawn('sleep', ['60']);
    try {
      await mkdir(join(dir, 'held', 'shards'), { recursive: true });
      await writeFile(join(dir, 'held', 'shards', '0-of-1.lock'), JSON.stringify({ host: hostname(), pid: holder.pid, since: '2026-12-05T00:00:00Z' }));
      const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'held'], dir);
      expect(r.code).toBe(EXIT_CODES.input);
      expect(r.stderr).toMatch(new RegExp(`held: shard 0/1 is being written by pid ${holder.pid} on this host since 2026-12-05T00:00:00Z`));
      expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(2);
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the holder is gone its lock is stale: the import goes through.
    await new Promise((r) => setTimeout(r, 100));
    const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'held', '-q'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'held', 'zarr.json'), 'utf8'))).toMatchObject({ attributes: { dualxda: { rows: ROWS } } });
  }, 120_000);
});
