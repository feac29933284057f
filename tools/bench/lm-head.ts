/**
 * Memory bench of an LM head as the final layer (issue 14 item 3): K = 32,000 classes (a Llama-2
 * vocabulary) on ≥ 100,000 token rows. A dense α (n × K float64) would take 25.6 GB, so
 * `dualxda fit` declares a candidate set (`--classes top:N`): α is n' × N for the n' rows whose
 * label is in the set. This bench writes a synthetic token-head store (Zipf-distributed next-token
 * labels over K, as real text has, features = class mean + noise, no logits: an LM-head store keeps
 * none), then runs `dualxda fit STORE --classes top:N` for each N as a fresh process under GNU time
 * (peak RSS, user + sys CPU), and the dense fit without `--classes`, which must be refused at once.
 * Prints JSON: rows, K, candidate classes, rows dropped, peak RSS, fit seconds, passes.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/lm-head.ts \
 *     [--rows 100000] [--dim 256] [--classes 32000] [--top 64,256,1024] [--time-budget 60s] [--repeat 1] [--keep DIR]
 *
 * With `--repeat R` every fit runs R times; peak RSS, wall and CPU seconds are medians (the runs'
 * values are listed too).
 *
 * The fit runs with a time budget (its memory is allocated before the first pass, so the budget does
 * not change the peak RSS; the JSON says whether the solver converged).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFeatureStoreWriter, finalizeFeatureStore } from '@dualxda/core';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'dualxda.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

const rows = Number(arg('rows', '100000'));
const dim = Number(arg('dim', '256'));
const K = Number(arg('classes', '32000'));
const tops = arg('top', '64,256,1024').split(',').map(Number);
const budget = arg('time-budget', '60s');
const repeat = Number(arg('repeat', '1'));

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 === 1 ? (a[(a.length - 1) / 2] as number) : ((a[a.length / 2 - 1] as number) + (a[a.length / 2] as number)) / 2;
};

/** xorshift32, seeded: the same store every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Zipf(1.1) sampler over 0..K-1 by inverse CDF (binary search). */
function zipf(rand: () => number): () => number {
  const cdf = new Float64Array(K);
  let acc = 0;
  for (let k = 0; k < K; k++) cdf[k] = acc += 1 / (k + 1) ** 1.1;
  return () => {
    const u = rand() * acc;
    let lo = 0;
    let hi = K - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function writeStore(path: string): Promise<void> {
  const rand = rng(7);
  const label = zipf(rand);
  const chunkRows = 4096;
  const w = await createFeatureStoreWriter(path, { rows, dim, chunkRows, head: 'token', classNames: Array.from({ length: K }, (_, k) => `tok${k}`), texts: true, tool: 'tools/bench/lm-head.ts' });
  // A class mean is a fixed pseudo-random direction per class (hash of k), so it needs no K × d table.
  const mean = (k: number, j: number): number => Math.sin(12.9898 * (k + 1) + 78.233 * (j + 1));
  for (let start = 0; start < rows; start += chunkRows) {
    const n = Math.min(chunkRows, rows - start);
    const features = new Float32Array(n * dim);
    const labels = new Int32Array(n);
    const tokenOffsets = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const y = label();
      labels[i] = y;
      tokenOffsets[2 * i] = Math.floor((start + i) / 100);
      tokenOffsets[2 * i + 1] = (start + i) % 100;
      for (let j = 0; j < dim; j++) features[i * dim + j] = mean(y, j) + 2 * (rand() - 0.5);
    }
    await w.append({ features, labels, ids: Array.from({ length: n }, (_, i) => `t${Math.floor((start + i) / 100)}#${(start + i) % 100}`), tokenOffsets, texts: Array.from({ length: n }, () => 'x') });
  }
  await w.close();
  await finalizeFeatureStore(path);
}

interface Timed {
  code: number;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

function timed(args: string[]): Timed {
  const dir = mkdtempSync(join(tmpdir(), 'lm-head-time-'));
  const tf = join(dir, 'time');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', tf, process.execPath, CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallSeconds = (performance.now() - t0) / 1000;
  const [u, s, m] = readFileSync(tf, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(dir, { recursive: true, force: true });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, wallSeconds, cpuSeconds: (u ?? 0) + (s ?? 0), peakRssMiB: (m ?? 0) / 1024 };
}

async function main(): Promise<void> {
  const keep = arg('keep', '');
  const dir = keep === '' ? mkdtempSync(join(tmpdir(), 'lm-head-bench-')) : keep;
  const store = join(dir, 'tokens.zarr');
  const t0 = performance.now();
  await writeStore(store);
  const storeSeconds = (performance.now() - t0) / 1000;
  const results: unknown[] = [];
  // Dense α without a candidate set: refused before it allocates (25.6 GB at 100k × 32k).
  const dense = timed(['fit', store, '--quiet']);
  results.push({ classes: 'all', denseAlphaGiB: (rows * K * 8) / 2 ** 30, exitCode: dense.code, refused: dense.code !== 0 && /dense alpha/.test(dense.stderr), peakRssMiB: dense.peakRssMiB, wallSeconds: dense.wallSeconds });
  for (const top of tops) {
    const runs = Array.from({ length: repeat }, () => timed(['fit', store, '--classes', `top:${top}`, '--time-budget', budget, '--json', '--quiet']));
    const failed = runs.find((x) => x.code !== 0);
    if (failed !== undefined) {
      results.push({ classes: `top:${top}`, exitCode: failed.code, stderr: failed.stderr.slice(-2000) });
      continue;
    }
    const r = { ...(runs[0] as Timed), peakRssMiB: median(runs.map((x) => x.peakRssMiB)), wallSeconds: median(runs.map((x) => x.wallSeconds)), cpuSeconds: median(runs.map((x) => x.cpuSeconds)) };
    const s = JSON.parse(r.stdout) as { rows: number; classes: number; supportVectors: number; iterations: number; converged: boolean; stopReason: string; seconds: number; trainAccuracy: number; candidateClasses: { rowsDropped: number } };
    results.push({
      classes: `top:${top}`,
      candidateClasses: s.classes,
      rowsKept: s.rows,
      rowsDropped: s.candidateClasses.rowsDropped,
      // The solver's dense state for the kept rows: α (n' × N float64) + W (N × (d + 1) float64).
      alphaMiB: (s.rows * s.classes * 8) / 2 ** 20,
      peakRssMiB: r.peakRssMiB,
      fitWallSeconds: r.wallSeconds,
      fitCpuSeconds: r.cpuSeconds,
      runs: runs.map((x) => ({ peakRssMiB: x.peakRssMiB, wallSeconds: x.wallSeconds, cpuSeconds: x.cpuSeconds })),
      solverSeconds: s.seconds,
      passes: s.iterations,
      converged: s.converged,
      stopReason: s.stopReason,
      supportVectors: s.supportVectors,
      trainAccuracy: s.trainAccuracy,
    });
  }
  if (keep === '') rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ bench: 'lm-head', rows, K, dim, storeSeconds, storeFeatureMiB: (rows * dim * 4) / 2 ** 20, timeBudget: budget, repeat, loadAverage1m: loadavg()[0], results }, null, 2)}\n`);
}

await main();
