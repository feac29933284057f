/**
 * Feature store throughput and memory bench (issues 4 and 17). Writes an n x d float32 store from
 * synthetic rows, finalizes (verifying every chunk), then makes one full read pass with
 * iterChunks (sha256-verified) and a random 64-row gather, then (in a third process) the same
 * scan with `reuseBuffers`, and (in a fourth) the fresh-buffer scan with
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (`readHugePages*`). Each phase runs in its own process so
 * peak RSS is per phase. In the same run, tools/bench/store-baseline.py (Debian python3-numpy)
 * reads the same store's chunks, writes the same rows to an .npy file, scans it through a memmap
 * and gathers the same 64 rows; `ratios` divide ours by those.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/store.ts [--rows 1000000] [--dim 768]
 *        [--chunk-rows 4096] [--dtype float32] [--codec raw|zstd] [--repeat 3] [--no-baseline]
 *        [--dir /tmp/x.zarr] [--keep]
 *
 * Prints one JSON object: medians over the repeats of rows/s and MB/s (raw float32 bytes) per
 * phase, CPU seconds per phase, peak RSS in MB, the baseline's figures and the ratios; `runs`
 * holds every repeat, `loadavg` the 1-minute load before and after (the machine is shared).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureDType, RowBatch } from '@dualxda/core';
import { createFeatureStoreWriter, finalizeFeatureStore, openFeatureStore } from '@dualxda/core';

interface Args {
  rows: number;
  dim: number;
  chunkRows: number;
  dtype: FeatureDType;
  codec: 'raw' | 'zstd';
  repeat: number;
  baseline: boolean;
  dir: string;
  phase: 'all' | 'write' | 'read' | 'read-reuse';
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
    codec: (get('codec') ?? 'raw') as Args['codec'],
    repeat: Number(get('repeat') ?? 1),
    baseline: !argv.includes('--no-baseline'),
    dir: get('dir') ?? '',
    phase: (get('phase') ?? 'all') as Args['phase'],
    keep: argv.includes('--keep'),
  };
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/**
 * Seeded LCG rows. The values are generated once (one chunk plus a prime number of rows) and each
 * batch is a view at a moving offset, so the bench times the store, not the generator, and no two
 * chunks hold the same bytes.
 */
function* batches(rows: number, dim: number, batchRows: number): Generator<RowBatch> {
  const poolRows = batchRows + 1009;
  const pool = new Float32Array(poolRows * dim);
  let s = 12345;
  for (let i = 0; i < pool.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pool[i] = s / 2 ** 31 - 1;
  }
  for (let b = 0, chunk = 0; b < rows; b += batchRows, chunk++) {
    const n = Math.min(batchRows, rows - b);
    const off = (chunk * 997) % (poolRows - n + 1);
    const features = pool.subarray(off * dim, (off + n) * dim);
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
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const w = await createFeatureStoreWriter(a.dir, { rows: a.rows, dim: a.dim, chunkRows: a.chunkRows, dtype: a.dtype, codec: a.codec, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) });
  await w.write(batches(a.rows, a.dim, a.chunkRows));
  await w.close();
  const t1 = performance.now();
  const c1 = cpuSeconds(c0);
  await finalizeFeatureStore(a.dir);
  const t2 = performance.now();
  const mb = (a.rows * a.dim * 4) / 1e6;
  return {
    writeSeconds: (t1 - t0) / 1000,
    writeRowsPerSec: a.rows / ((t1 - t0) / 1000),
    writeMBps: mb / ((t1 - t0) / 1000),
    writeCpuSeconds: c1,
    finalizeSeconds: (t2 - t1) / 1000,
    finalizeMBps: mb / ((t2 - t1) / 1000),
    finalizeCpuSeconds: cpuSeconds(c0) - c1,
    // The issue 17 target: createFeatureStoreWriter -> finalize, end to end.
    writeFinalizeMBps: mb / ((t2 - t0) / 1000),
    writePeakRssMb: peakRssMb(),
  };
}

async function readPhase(a: Args) {
  const store = await openFeatureStore(a.dir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let checksum = 0;
  let rows = 0;
  for await (const block of store.iterChunks()) {
    for (let i = 0; i < block.features.length; i += 97) checksum += block.features[i];
    rows += block.rows;
  }
  const t1 = performance.now();
  const c1 = cpuSeconds(c0);
  // A top-k explanation gathers a few dozen rows: raw chunks read only the blocks holding them.
  const idx = Array.from({ length: 64 }, (_, i) => (i * 7919 * 104729) % store.rows);
  await store.gatherRows(idx);
  const t2 = performance.now();
  const chunksTouched = new Set(idx.map((r) => Math.floor(r / store.chunkRows))).size;
  const mb = (rows * store.dim * 4) / 1e6;
  return {
    readSeconds: (t1 - t0) / 1000,
    readRowsPerSec: rows / ((t1 - t0) / 1000),
    readMBps: mb / ((t1 - t0) / 1000),
    readCpuSeconds: c1,
    gather64Seconds: (t2 - t1) / 1000,
    gather64ChunksTouched: chunksTouched,
    readChecksum: checksum,
    readPeakRssMb: peakRssMb(),
  };
}

/** The same full scan with `reuseBuffers` (blocks valid until the next one), in a fresh process like the default scan. */
async function reusePhase(a: Args) {
  const store = await openFeatureStore(a.dir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  for await (const block of store.iterChunks({ reuseBuffers: true })) rows += block.rows;
  const seconds = (performance.now() - t0) / 1000;
  return { readReuseBuffersMBps: (rows * store.dim * 4) / 1e6 / seconds, readReuseBuffersCpuSeconds: cpuSeconds(c0), readReuseBuffersPeakRssMb: peakRssMb() };
}

const median = (xs: number[]) => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** Per-key medians of numeric fields (others from the first run). */
function medians(runs: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((r) => r[key]);
    out[key] = values.every((v) => typeof v === 'number') ? median(values as number[]) : values[0];
  }
  return out;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.phase === 'write') return console.log(JSON.stringify(await writePhase(a)));
  if (a.phase === 'read') return console.log(JSON.stringify(await readPhase(a)));
  if (a.phase === 'read-reuse') return console.log(JSON.stringify(await reusePhase(a)));
  const root = a.dir ? join(a.dir, '..') : await mkdtemp(join(tmpdir(), 'dualxda-bench-'));
  const dir = a.dir || join(root, 'store.zarr');
  const self = fileURLToPath(import.meta.url);
  const passThrough = process.argv.slice(2).filter((x, i, all) => x !== '--keep' && x !== '--dir' && all[i - 1] !== '--dir');
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20, env });
    if (r.status !== 0) throw new Error(`${cmd} ${args.slice(-4).join(' ')} failed with status ${r.status}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
  };
  const phase = (p: string, env?: NodeJS.ProcessEnv) => run(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', self, ...passThrough, '--phase', p, '--dir', dir], env);
  // The fresh-buffer scan again with glibc's malloc asking for transparent huge pages (2 MiB pages,
  // so ~500x fewer page faults on the new chunk buffers); set at process start, as a user would.
  const hugePages = { ...process.env, GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1'].filter(Boolean).join(':') };
  const readHugePages = (): Record<string, unknown> => {
    const r = phase('read', hugePages);
    return { readHugePagesMBps: r.readMBps, readHugePagesCpuSeconds: r.readCpuSeconds, readHugePagesPeakRssMb: r.readPeakRssMb };
  };
  const loadBefore = loadavg()[0];
  const runs: Record<string, unknown>[] = [];
  const baselines: Record<string, unknown>[] = [];
  for (let r = 0; r < a.repeat; r++) {
    await rm(dir, { recursive: true, force: true });
    runs.push({ ...phase('write'), ...phase('read'), ...phase('read-reuse'), ...readHugePages() });
    // The baseline reads the store just written, so both sides see the same bytes and page cache.
    if (a.baseline && a.dtype === 'float32') baselines.push(run('/usr/bin/python3', [fileURLToPath(new URL('./store-baseline.py', import.meta.url)), dir, root]));
  }
  const ours = medians(runs) as Record<string, number>;
  const base = baselines.length > 0 ? (medians(baselines) as Record<string, number>) : undefined;
  const ratio = (x: number | undefined, y: number | undefined) => (typeof x === 'number' && typeof y === 'number' ? x / y : null);
  const ratios = base && {
    readVsPythonReadingThisStore: ratio(ours.readMBps, base.storeReadSha256MBps ?? base.storeReadMBps),
    readVsNpyMemmap: ratio(ours.readMBps, base.npyMemmapReadMBps),
    writeFinalizeVsNpyWrite: ratio(ours.writeFinalizeMBps, base.npyWriteMBps),
    gather64VsNpyMemmap: ratio(ours.gather64Seconds, base.npyGather64Seconds),
  };
  const peak = Math.max(ours.writePeakRssMb, ours.readPeakRssMb);
  console.log(JSON.stringify({ rows: a.rows, dim: a.dim, chunkRows: a.chunkRows, dtype: a.dtype, codec: a.codec, repeat: a.repeat, rawMB: (a.rows * a.dim * 4) / 1e6, ...ours, peakRssUnder1GB: peak < 1024, baseline: base ?? null, ratios: ratios ?? null, loadavg: { before: loadBefore, after: loadavg()[0] }, runs }, null, 2));
  if (!a.keep) await rm(a.dir ? dir : root, { recursive: true, force: true });
}

await main();
