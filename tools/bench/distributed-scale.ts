/**
 * Scale figures for docs/distributed.md (issue 18): per-core shard throughput, store write and
 * finalize at 1M/10M rows x 768, and the projected wall time of a sharded BERT-base build.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/distributed-scale.ts \
 *     [--parts spam-bert,bert-base,store,projection] [--texts 0] [--bert-texts 64] [--max-length 128]
 *     [--batch-size 32] [--rows 65536] [--dim 768] [--shards 2] [--chunk-rows 4096]
 *     [--source random|quantized] [--dir /tmp/base] [--project-texts 10000000] [--nodes 16]
 *     [--cores-per-node 16] [--shared-fs-mbps 1000]
 *
 * Parts (each phase in its own child process, so peak RSS is per phase):
 * - spam-bert: one shard process, ORT intra-op threads 1, extracting the embedded corpus
 *   (`--texts 0` = all of train.jsonl) into a real store, as `dualxda cache` does.
 * - bert-base: generates a random BERT-base checkpoint into a temp folder
 *   (tools/bench/bert-base-random.py, deleted afterwards), runs the torch eager baseline on one
 *   thread, then the same extraction on the first `--bert-texts` texts; prints ours/torch.
 * - store: `--shards` concurrent writer processes build a `--rows` x `--dim` float32 store from a
 *   seeded LCG (`random`: full-entropy floats; `quantized`: 16 levels, compresses), then
 *   `finalizeFeatureStore` runs in a child with and without sha256 verification (max RSS read
 *   with process.resourceUsage in that child). The store is deleted afterwards.
 * - projection: `projectShardedBuild` from the numbers measured in this run (store rates from
 *   the store part, finalize rate scaled linearly in bytes to the projected store).
 *
 * Prints one JSON object.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFeatureStoreWriter, finalizeFeatureStore, type RowBatch } from '@dualxda/core';
import { createStoreSink, extractFeatures, openModel, readJsonlCorpus, type CorpusRow, type FeatureSink } from '@dualxda/llm-adapter';
import { printBenchJson } from '../src/bench-harness.js';
import { projectShardedBuild } from '../src/scale-projection.js';

const root = resolve(import.meta.dirname, '..', '..');
const SPAM_BERT = join(root, 'packages/llm-adapter/assets/spam-bert');
const CORPUS = join(root, 'packages/llm-adapter/assets/corpus/train.jsonl');
/** `dualxda cache` cuts the corpus into chunks of this many texts (extractFeatures' default). */
const CACHE_CHUNK_ROWS = 1024;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : def;
}
const num = (name: string, def: number) => Number(arg(name, String(def)));
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return total;
}

// ---- child phases -------------------------------------------------------------------------

/** One shard process on one core: extractFeatures into a store sink, store writes timed. */
async function extractPhase(): Promise<Record<string, unknown>> {
  const limit = num('texts', 0);
  const maxLength = num('max-length', 128);
  const rows: CorpusRow[] = [];
  for await (const r of readJsonlCorpus(CORPUS)) {
    rows.push(r);
    if (limit > 0 && rows.length === limit) break;
  }
  const t0 = performance.now();
  const model = await openModel(arg('model', SPAM_BERT), { intraOpThreads: 1 });
  const loadSeconds = (performance.now() - t0) / 1000;
  const out = mkdtempSync(join(tmpdir(), 'dualxda-scale-extract-'));
  const store = createStoreSink(join(out, 'features.zarr'));
  let writeSeconds = 0;
  let featureBytes = 0;
  let extraBytes = 0; // texts and ids (UTF-8), logits, labels (int32): what a cache store adds per row
  const sink: FeatureSink = {
    begin: (info) => store.begin(info),
    end: () => store.end(),
    async writeChunk(chunk) {
      const b = chunk.batch;
      featureBytes += b.features.byteLength;
      const utf8 = (xs: readonly string[]) => xs.reduce((s, t) => s + Buffer.byteLength(t), 0);
      extraBytes += (b.logits?.byteLength ?? 0) + b.labels.length * 4 + utf8(b.texts) + utf8(b.ids);
      const w0 = performance.now();
      await store.writeChunk(chunk);
      writeSeconds += (performance.now() - w0) / 1000;
    },
  };
  try {
    const r = await extractFeatures(model, rows, sink, { maxLength, batchSize: num('batch-size', 32), chunkRows: CACHE_CHUNK_ROWS, totalRows: rows.length });
    const rawMB = (featureBytes + extraBytes) / 1e6;
    return {
      model: arg('label', 'spam-bert'),
      hiddenSize: model.checkpoint.hiddenSize,
      numLayers: model.checkpoint.numLayers,
      intraOpThreads: 1,
      maxLength,
      texts: r.textsProcessed,
      tokens: r.tokens,
      truncated: r.truncated.length,
      meanTokensPerText: r.tokens / r.textsProcessed,
      loadSeconds,
      seconds: r.seconds,
      textsPerSecond: r.textsProcessed / r.seconds,
      tokensPerSecond: r.tokens / r.seconds,
      storeWriteSeconds: writeSeconds,
      storeWriteShareOfTime: writeSeconds / r.seconds,
      storeRawMB: rawMB,
      storeWriteMBps: rawMB / writeSeconds,
      storeBytesOnDisk: dirBytes(out),
      extraBytesPerRow: extraBytes / r.rowsWritten,
      maxRssMiB: maxRssMiB(),
    };
  } finally {
    await model.release();
    rmSync(out, { recursive: true, force: true });
  }
}

/** Seeded LCG rows; `quantized` keeps 16 levels so zstd compresses (states which in the JSON). */
function* syntheticBatches(first: number, end: number, dim: number, chunkRows: number, quantized: boolean, timer: { seconds: number }): Generator<RowBatch> {
  for (let b = first; b < end; b += chunkRows) {
    const t0 = performance.now();
    const n = Math.min(chunkRows, end - b);
    const features = new Float32Array(n * dim);
    let s = (b * 2654435761) >>> 0; // seeded by the row, so every shard count gives the same rows
    for (let i = 0; i < features.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      features[i] = quantized ? (s >>> 28) / 8 - 1 : s / 2 ** 31 - 1;
    }
    const labels = new Int32Array(n);
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      labels[i] = (b + i) % 2;
      ids[i] = b + i;
    }
    timer.seconds += (performance.now() - t0) / 1000;
    yield { features, labels, ids };
  }
}

async function shardPhase(): Promise<Record<string, unknown>> {
  const [rows, dim, chunkRows] = [num('rows', 65536), num('dim', 768), num('chunk-rows', 4096)];
  const shard = { index: num('index', 0), count: num('count', 1) };
  const t0 = performance.now();
  const w = await createFeatureStoreWriter(arg('dir', ''), { rows, dim, chunkRows, classNames: ['ham', 'spam'], shard });
  const gen = { seconds: 0 };
  await w.write(syntheticBatches(w.range.start, w.range.end, dim, chunkRows, arg('source', 'random') === 'quantized', gen));
  const summary = await w.close();
  const seconds = (performance.now() - t0) / 1000;
  const rawMB = ((w.range.end - w.range.start) * dim * 4) / 1e6;
  return { shard, complete: summary.complete, seconds, generatorSeconds: gen.seconds, rawMB, writeMBps: rawMB / (seconds - gen.seconds), maxRssMiB: maxRssMiB() };
}

async function finalizePhase(): Promise<Record<string, unknown>> {
  const verify = arg('verify', 'true') === 'true';
  const t0 = performance.now();
  const manifest = await finalizeFeatureStore(arg('dir', ''), { verify });
  return { verify, rows: manifest.rows, seconds: (performance.now() - t0) / 1000, maxRssMiB: maxRssMiB() };
}

/** Max RSS of a child that loads the same modules and does nothing: what the phases add is above it. */
async function baselinePhase(): Promise<Record<string, unknown>> {
  return { maxRssMiB: maxRssMiB() };
}

// ---- parent ---------------------------------------------------------------------------------

const self = import.meta.filename;
const childArgs = (phase: string, extra: string[]) => ['--conditions=@dualxda/source', '--import', 'tsx', self, '--phase', phase, ...extra];
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>;

function runPhase(phase: string, extra: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, childArgs(phase, extra), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${phase} phase failed with status ${r.status}`);
  return lastJson(r.stdout);
}

function runPhaseAsync(phase: string, extra: string[]): Promise<Record<string, number>> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, childArgs(phase, extra), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(lastJson(out)) : fail(new Error(`${phase} phase failed with status ${code}`))));
  });
}

const common = () => ['--max-length', arg('max-length', '128'), '--batch-size', arg('batch-size', '32')];

function bertBasePart(): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'dualxda-bert-base-'));
  try {
    const texts = arg('bert-texts', '64');
    const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'bert-base-random.py'), '--out', dir, '--texts', texts, ...common()], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    if (py.status !== 0) throw new Error(`bert-base-random.py failed with status ${py.status}`);
    const gen = JSON.parse(py.stdout.trim().split('\n').pop() as string) as { torchBaseline: Record<string, number> } & Record<string, unknown>;
    const ours = runPhase('extract', ['--model', dir, '--label', 'bert-base (random weights)', '--texts', texts, ...common()]);
    return { ...gen, out: undefined, ours, oursOverTorchTokensPerSecond: (ours.tokensPerSecond as number) / gen.torchBaseline.tokensPerSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storePart(): Promise<Record<string, unknown>> {
  const [rows, dim, shards] = [num('rows', 65536), num('dim', 768), num('shards', 2)];
  const base = mkdtempSync(join(arg('dir', '') || tmpdir(), 'dualxda-scale-store-'));
  const dir = join(base, 'features.zarr');
  const opts = ['--dir', dir, '--rows', String(rows), '--dim', String(dim), '--chunk-rows', arg('chunk-rows', '4096'), '--source', arg('source', 'random')];
  try {
    const t0 = performance.now();
    const perShard = await Promise.all(Array.from({ length: shards }, (_, i) => runPhaseAsync('shard', [...opts, '--index', String(i), '--count', String(shards)])));
    const writeWallSeconds = (performance.now() - t0) / 1000;
    const writeSeconds = Math.max(...perShard.map((p) => p.seconds as number));
    const bytesOnDisk = dirBytes(dir);
    const finalize = runPhase('finalize', ['--dir', dir, '--verify', 'true']);
    const finalizeNoVerify = runPhase('finalize', ['--dir', dir, '--verify', 'false']);
    const rawMB = (rows * dim * 4) / 1e6;
    return {
      rows,
      dim,
      dtype: 'float32',
      source: arg('source', 'random'),
      shards,
      rawMB,
      bytesOnDisk,
      compressionRatio: bytesOnDisk / (rawMB * 1e6),
      writeWallSecondsWithProcessStart: writeWallSeconds,
      writeSeconds,
      writeAggregateMBps: rawMB / writeSeconds,
      writeMBpsPerShard: perShard.reduce((s, p) => s + (p.writeMBps as number), 0) / shards,
      perShard,
      finalize: { ...finalize, rawMBps: rawMB / (finalize.seconds as number), diskMBps: bytesOnDisk / 1e6 / (finalize.seconds as number) },
      finalizeNoVerify,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const phase = arg('phase', 'all');
  if (phase !== 'all') {
    const run = { extract: extractPhase, shard: shardPhase, finalize: finalizePhase, baseline: baselinePhase }[phase];
    if (run === undefined) throw new Error(`unknown --phase ${phase}`);
    return console.log(JSON.stringify(await run()));
  }
  const parts = new Set(arg('parts', 'spam-bert,bert-base,store,projection').split(','));
  const result: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, note: 'shared 2-core VM; child processes run one after another, except the store shards' },
    idleChildMaxRssMiB: runPhase('baseline', []).maxRssMiB,
  };
  const spam = parts.has('spam-bert') ? runPhase('extract', ['--texts', arg('texts', '0'), ...common()]) : null;
  if (spam) result['spamBert'] = spam;
  const bert = parts.has('bert-base') ? bertBasePart() : null;
  if (bert) result['bertBase'] = bert;
  const store = parts.has('store') ? await storePart() : null;
  if (store) result['store'] = store;
  if (parts.has('projection')) {
    const ours = (bert?.['ours'] ?? null) as Record<string, number> | null;
    const fin = (store?.['finalize'] ?? null) as Record<string, number> | null;
    if (ours === null || store === null || fin === null) throw new Error('projection needs the bert-base and store parts in the same run');
    const dim = num('dim', 768);
    const inputs = {
      texts: num('project-texts', 10_000_000),
      chunkRows: CACHE_CHUNK_ROWS,
      nodes: num('nodes', 16),
      coresPerNode: num('cores-per-node', 16),
      meanTokensPerText: ours['meanTokensPerText'] as number,
      tokensPerSecondPerCore: ours['tokensPerSecond'] as number,
      modelLoadSeconds: ours['loadSeconds'] as number,
      // 768 float32 features plus what a `dualxda cache` store keeps per row (texts, logits, labels, ids), measured on the corpus.
      bytesPerRow: dim * 4 + (ours['extraBytesPerRow'] as number),
      storeWriteMBps: store['writeMBpsPerShard'] as number,
      finalizeMBps: fin['diskMBps'] as number,
      sharedFsMBps: arg('shared-fs-mbps', '1000') === 'null' ? null : num('shared-fs-mbps', 1000),
    };
    result['projection'] = { inputs, assumptions: ['one shard per core, ORT intra-op threads 1, linear scaling across cores and nodes', 'finalize time linear in bytes at the measured rate', 'scheduler queueing and corpus staging not included'], ...projectShardedBuild(inputs) };
  }
  printBenchJson('distributed-scale', result);
}

await main();
