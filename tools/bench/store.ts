/**
 * Feature store throughput and memory bench (issue 4). Writes an n x d float32 store from
 * synthetic rows, finalizes (verifying every chunk), then makes one full read pass with
 * iterChunks and a random 64-row gather. Each phase runs in its own process so peak RSS is per phase.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/store.ts [--rows 1000000] [--dim 768]
 *        [--chunk-rows 4096] [--dtype float32] [--dir /tmp/x.zarr] [--keep]
 *
 * Prints one JSON object: rows/s and MB/s (raw float32 bytes) per phase and peak RSS in MB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureDType, RowBatch } from '@dualxda/core';
import { createFeatureStoreWriter, finalizeFeatureStore, openFeatureStore } from '@dualxda/core';

interface Args {
  rows: number;
  dim: number;
  chunkRows: number;
  dtype: FeatureDType;
  dir: string;
  phase: 'all' | 'write' | 'read';
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    rows: Number(get('rows') ?? 1_000_000),
    dim: Number(get('dim') ?? 768),
    chunkRows: Number(get('chunk-rows') ?? 4096),
    dtype: (get('dtype') ?? 'float32') as FeatureDType,
    dir: get('dir') ?? '',
    phase: (get('phase') ?? 'all') as Args['phase'],
    keep: argv.includes('--keep'),
  };
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

function* batches(rows: number, dim: number, batchRows: number): Generator<RowBatch> {
  let s = 12345;
  for (let b = 0; b < rows; b += batchRows) {
    const n = Math.min(batchRows, rows - b);
    const features = new Float32Array(n * dim);
    for (let i = 0; i < features.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      features[i] = s / 2 ** 31 - 1;
    }
    const labels = new Int32Array(n);
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      labels[i] = (b + i) % 10;
      ids[i] = b + i;
    }
    yield { features, labels, ids };
  }
}

async function writePhase(a: Args) {
  const t0 = performance.now();
  const w = await createFeatureStoreWriter(a.dir, { rows: a.rows, dim: a.dim, chunkRows: a.chunkRows, dtype: a.dtype, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) });
  await w.write(batches(a.rows, a.dim, a.chunkRows));
  await w.close();
  const t1 = performance.now();
  await finalizeFeatureStore(a.dir);
  const t2 = performance.now();
  const mb = (a.rows * a.dim * 4) / 1e6;
  return { writeSeconds: (t1 - t0) / 1000, writeRowsPerSec: a.rows / ((t1 - t0) / 1000), writeMBps: mb / ((t1 - t0) / 1000), finalizeSeconds: (t2 - t1) / 1000, finalizeMBps: mb / ((t2 - t1) / 1000), writePeakRssMb: peakRssMb() };
}

async function readPhase(a: Args) {
  const store = await openFeatureStore(a.dir);
  const t0 = performance.now();
  let checksum = 0;
  let rows = 0;
  for await (const block of store.iterChunks()) {
    for (let i = 0; i < block.features.length; i += 97) checksum += block.features[i];
    rows += block.rows;
  }
  const t1 = performance.now();
  // A top-k explanation gathers a few dozen rows; random rows each cost one chunk decode.
  const idx = Array.from({ length: 64 }, (_, i) => (i * 7919 * 104729) % store.rows);
  await store.gatherRows(idx);
  const t2 = performance.now();
  const chunksTouched = new Set(idx.map((r) => Math.floor(r / store.chunkRows))).size;
  const mb = (rows * store.dim * 4) / 1e6;
  return { readSeconds: (t1 - t0) / 1000, readRowsPerSec: rows / ((t1 - t0) / 1000), readMBps: mb / ((t1 - t0) / 1000), gather64Seconds: (t2 - t1) / 1000, gather64ChunksTouched: chunksTouched, readChecksum: checksum, readPeakRssMb: peakRssMb() };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.phase === 'write') return console.log(JSON.stringify(await writePhase(a)));
  if (a.phase === 'read') return console.log(JSON.stringify(await readPhase(a)));
  const dir = a.dir || join(await mkdtemp(join(tmpdir(), 'dualxda-bench-')), 'store.zarr');
  const self = fileURLToPath(import.meta.url);
  const run = (phase: string) => {
    const args = ['--conditions=@dualxda/source', '--import', 'tsx', self, ...process.argv.slice(2).filter((x) => x !== '--keep'), '--phase', phase, '--dir', dir];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`${phase} phase failed with status ${r.status}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, number>;
  };
  const write = run('write');
  const read = run('read');
  console.log(JSON.stringify({ rows: a.rows, dim: a.dim, chunkRows: a.chunkRows, dtype: a.dtype, rawMB: (a.rows * a.dim * 4) / 1e6, ...write, ...read, peakRssUnder1GB: Math.max(write.writePeakRssMb, read.readPeakRssMb) < 1024 }, null, 2));
  if (!a.keep) await rm(a.dir || join(dir, '..'), { recursive: true, force: true });
}

await main();
