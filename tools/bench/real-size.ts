/**
 * Real-size figures (issue 14 item 5, docs/llm-adapter.md "Real-size measurements"): BERT-base
 * geometry (110M) and a Qwen2-0.5B-shaped decoder (494M), random weights generated into a temp
 * folder (tools/bench/bert-base-random.py, tools/bench/real-size.py; deleted afterwards unless
 * --keep), the decoder's graph made by the export recipe (tools/convert/export-onnx.py).
 *
 *   nice -n 10 node --conditions=@dualxda/source --import tsx tools/bench/real-size.ts \
 *     [--models bert-base,qwen2-0.5b] [--parts extract,builtin,xda,projection] [--texts 32]
 *     [--max-length 128] [--batch-size 8] [--threads 1,2] [--repeats 3] [--builtin-repeats 1]
 *     [--xda-lengths 128,512] [--pairs 2] [--backend wasm|cpu] [--dir BASE] [--keep]
 *     [--project-texts 1000000] [--nodes 16] [--cores-per-node 16]
 *
 * `--dir BASE` reuses BASE/<model> folders made by an earlier `--keep` run (a missing one is made).
 * Every measurement runs in its own child process, so `maxRssMiB` (process.resourceUsage, or
 * ru_maxrss for torch) is that runner's peak alone. Extraction: the same texts, token ids,
 * length-sorted batches and thread count for ours (onnxruntime-node; the built-in tfjs forward
 * without onnx/) and torch 1.13 eager (Debian python3-torch, float32, no_grad); one warm-up batch,
 * median of --repeats passes (wall and CPU seconds). XDA: explainTopK of one (test, train) pair,
 * both heatmaps, inputs of exactly L tokens, --pairs pairs after one warm-up pair.
 * Prints one JSON line per measurement (`bench: "real-size"`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeTexts, loadCheckpoint, loadTokenizer, openModel } from '@dualxda/llm-adapter';
import { createXdaModel, explainTopK, useXdaBackend, type XdaBackend } from '@dualxda/xda';
import { projectShardedBuild } from '../src/scale-projection.js';
import { xdaFeatureForward } from '../src/xda-forward.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'packages/llm-adapter/assets/corpus/train.jsonl');
const PY = '/usr/bin/python3';
/** Store rates measured by tools/bench/distributed-scale.ts (docs/distributed.md, 10M rows). */
const STORE_WRITE_MBPS = 19.5;
const FINALIZE_MBPS = 129;
/** Text, id, label and logits bytes per store row, measured on the corpus (docs/distributed.md). */
const EXTRA_BYTES_PER_ROW = 594;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : def;
}
const num = (name: string, def: number) => Number(arg(name, String(def)));
const list = (name: string, def: string) => arg(name, def).split(',').filter((s) => s !== '');
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

function corpusTexts(n: number): string[] {
  const lines = readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, n).map((l) => (JSON.parse(l) as { text: string }).text);
}

// ---- child phases ---------------------------------------------------------------------------

/** Ours on one folder: ONNX (the folder has onnx/) or the built-in forward (--builtin). */
async function extractPhase(): Promise<Record<string, unknown>> {
  const builtin = arg('builtin', 'false') === 'true';
  const threads = num('threads', 1);
  const [maxLength, batchSize, repeats] = [num('max-length', 128), num('batch-size', 8), num(builtin ? 'builtin-repeats' : 'repeats', 3)];
  const texts = corpusTexts(num('texts', 32));
  const t0 = performance.now();
  const model = await openModel(arg('dir', ''), builtin ? { forward: xdaFeatureForward(arg('backend', 'wasm') as XdaBackend) } : { intraOpThreads: threads });
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoadMiB = process.memoryUsage.rss() / 2 ** 20;
  try {
    await model.embed(texts.slice(0, batchSize), { maxLength, batchSize }); // warm-up, untimed
    const runs: { wall: number; cpu: number; tokens: number }[] = [];
    for (let i = 0; i < repeats; i++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const r = await model.embed(texts, { maxLength, batchSize, head: 'sequence' });
      runs.push({ wall: (performance.now() - w0) / 1000, cpu: cpuSeconds(process.cpuUsage(c0)), tokens: r.lengths.reduce((a, b) => a + b, 0) });
    }
    runs.sort((a, b) => a.wall - b.wall);
    const m = runs[Math.floor(runs.length / 2)] as (typeof runs)[number];
    return {
      runner: builtin ? model.runner.executionProvider : 'onnxruntime-node',
      threads: builtin ? 'tfjs' : threads,
      texts: texts.length,
      tokens: m.tokens,
      meanTokensPerText: m.tokens / texts.length,
      batchSize,
      repeats,
      loadSeconds,
      wallSeconds: m.wall,
      cpuSeconds: m.cpu,
      tokensPerSecond: m.tokens / m.wall,
      wallSecondsAll: runs.map((r) => r.wall),
      rssAfterLoadMiB,
      maxRssMiB: maxRssMiB(),
    };
  } finally {
    await model.release();
  }
}

/** XDA seconds per pair (both heatmaps) at exactly --length tokens per input. */
async function xdaPhase(): Promise<Record<string, unknown>> {
  const length = num('length', 128);
  const pairs = num('pairs', 2);
  const backend = arg('backend', 'wasm') as XdaBackend;
  await useXdaBackend(backend);
  const t0 = performance.now();
  const ckpt = await loadCheckpoint(arg('dir', ''));
  const model = createXdaModel(ckpt.weights, ckpt.config);
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoadMiB = process.memoryUsage.rss() / 2 ** 20;
  // Long inputs: consecutive corpus texts joined, cut to exactly `length` tokens.
  const texts = corpusTexts(400);
  const input = (k: number) => {
    const joined = texts.slice(k * 40, k * 40 + 40).join(' ');
    const ids = encodeTexts(ckpt.tokenizer, [joined], length).ids[0] as number[];
    if (ids.length !== length) throw new Error(`input ${k}: ${ids.length} tokens, wanted ${length}`);
    return { ids };
  };
  const seconds: number[] = [];
  const cpu: number[] = [];
  let first = { wall: Number.NaN, cpu: Number.NaN };
  try {
    for (let p = 0; p <= pairs; p++) {
      const [test, train] = [input(2 * (p % 4)), input(2 * (p % 4) + 1)];
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const [pair] = explainTopK(model, test, [train], { alphas: [1] });
      if (pair?.test === undefined || pair.train === undefined) throw new Error('explainTopK gave no heatmaps');
      const [wall, used] = [(performance.now() - w0) / 1000, cpuSeconds(process.cpuUsage(c0))];
      if (p === 0) first = { wall, cpu: used }; // warm-up (kernel compilation, allocator): reported apart
      else {
        seconds.push(wall);
        cpu.push(used);
      }
    }
  } finally {
    model.dispose();
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    backend,
    length,
    pairs,
    loadSeconds,
    secondsPerPair: sorted[Math.floor(sorted.length / 2)] ?? null,
    firstPairSeconds: first.wall,
    firstPairCpuSeconds: first.cpu,
    secondsPerPairAll: seconds,
    cpuSecondsPerPair: cpu,
    rssAfterLoadMiB,
    maxRssMiB: maxRssMiB(),
  };
}

// ---- parent ---------------------------------------------------------------------------------

const self = import.meta.filename;
const forwarded = ['max-length', 'batch-size', 'texts', 'repeats', 'builtin-repeats', 'backend', 'pairs'];
function child(phase: string, extra: string[]): Record<string, unknown> {
  const common = forwarded.flatMap((k) => (process.argv.includes(`--${k}`) ? [`--${k}`, arg(k, '')] : []));
  const r = spawnSync(process.execPath, ['--conditions=@dualxda/source', '--import', 'tsx', self, '--phase', phase, ...common, ...extra], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { error: `${phase} phase failed with status ${r.status} (signal ${r.signal})` };
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

function python(args: string[], threads: number): Record<string, unknown> {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = spawnSync(PY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} failed with status ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

const emit = (o: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'real-size', ...o }));

/** BASE/<model> with onnx/, and BASE/<model>-plain: the same files without onnx/ (symlinks). */
function ensureCheckpoint(base: string, name: string): { dir: string; plain: string } {
  const dir = join(base, name);
  if (!existsSync(join(dir, 'onnx/model.onnx'))) {
    if (name === 'bert-base') {
      emit({ model: name, part: 'generate', ...python([join(ROOT, 'tools/bench/bert-base-random.py'), '--out', dir, '--no-baseline'], 2), out: undefined });
    } else {
      emit({ model: name, part: 'generate', ...python([join(ROOT, 'tools/bench/real-size.py'), 'generate-decoder', '--out', dir], 2), out: undefined });
      // The export recipe of docs/llm-adapter.md, timed (seconds and peak RSS of the export process).
      const exp = python([join(ROOT, 'tools/convert/export-onnx.py'), dir], 2);
      emit({ model: name, part: 'export-onnx', ...exp });
    }
  }
  const plain = `${dir}-plain`;
  if (!existsSync(plain)) {
    mkdirSync(plain);
    for (const f of readdirSync(dir)) if (f !== 'onnx') symlinkSync(join(dir, f), join(plain, f));
  }
  return { dir, plain };
}

async function main(): Promise<void> {
  const phase = arg('phase', 'all');
  if (phase !== 'all') {
    const run = { extract: extractPhase, xda: xdaPhase }[phase];
    if (run === undefined) throw new Error(`unknown --phase ${phase}`);
    return console.log(JSON.stringify(await run()));
  }
  const parts = new Set(list('parts', 'extract,builtin,xda,projection'));
  const base = process.argv.includes('--dir') ? resolve(arg('dir', '')) : mkdtempSync(join(tmpdir(), 'dualxda-real-size-'));
  mkdirSync(base, { recursive: true });
  const keep = process.argv.includes('--keep') || process.argv.includes('--dir');
  emit({ part: 'setup', base, keep, loadAverage: readFileSync('/proc/loadavg', 'utf8').trim(), note: 'shared 2-core VM; every figure from a child process, one at a time' });
  try {
    for (const name of list('models', 'bert-base,qwen2-0.5b')) {
      const { dir, plain } = ensureCheckpoint(base, name);
      const m = { model: name };
      let onnx1: Record<string, unknown> | null = null;
      if (parts.has('extract')) {
        // Token ids for torch: the model's own tokenizer, truncated as embed does.
        const tok = await loadTokenizer(dir);
        const ids = encodeTexts(tok, corpusTexts(num('texts', 32)), num('max-length', 128)).ids;
        const idsFile = join(base, `${name}-ids.json`);
        writeFileSync(idsFile, JSON.stringify({ ids, padId: tok.pad_token_id ?? 0 }));
        for (const t of list('threads', '1,2').map(Number)) {
          const ours = child('extract', ['--dir', dir, '--threads', String(t)]);
          const torch = python([join(ROOT, 'tools/bench/real-size.py'), 'baseline', '--dir', dir, '--ids', idsFile, '--threads', String(t), '--batch-size', arg('batch-size', '8'), '--repeats', arg('repeats', '3')], t);
          if (t === 1) onnx1 = ours;
          const perCpu = (r: Record<string, unknown>) => (r['tokens'] as number) / (r['cpuSeconds'] as number);
          // CPU seconds too: on a shared machine wall time includes time the process was not running.
          emit({ ...m, part: 'extract', threads: t, ours, torch, oursOverTorchTokensPerSecond: (ours['tokensPerSecond'] as number) / (torch['tokensPerSecond'] as number), oursOverTorchTokensPerCpuSecond: perCpu(ours) / perCpu(torch) });
        }
      }
      if (parts.has('builtin')) {
        const ours = child('extract', ['--dir', plain, '--builtin', 'true']);
        const perCpu = (r: Record<string, unknown>) => (r['tokens'] as number) / (r['cpuSeconds'] as number);
        emit({
          ...m,
          part: 'extract-builtin',
          ours,
          builtinOverOnnx1TokensPerSecond: onnx1 ? (ours['tokensPerSecond'] as number) / (onnx1['tokensPerSecond'] as number) : null,
          builtinOverOnnx1TokensPerCpuSecond: onnx1 ? perCpu(ours) / perCpu(onnx1) : null,
        });
      }
      if (parts.has('xda')) {
        for (const L of list('xda-lengths', '128,512').map(Number)) emit({ ...m, part: 'xda', ...child('xda', ['--dir', plain, '--length', String(L)]) });
      }
      if (parts.has('projection') && onnx1 !== null && onnx1['tokensPerSecond'] !== undefined) {
        const hidden = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { hidden_size: number }).hidden_size;
        const inputs = {
          texts: num('project-texts', 1_000_000),
          chunkRows: 1024,
          meanTokensPerText: onnx1['meanTokensPerText'] as number,
          // tokens per CPU second of the 1-thread run: what a core of its own gives (on this shared
          // machine the wall rate also counts the time other jobs held the core).
          tokensPerSecondPerCore: (onnx1['tokens'] as number) / (onnx1['cpuSeconds'] as number),
          modelLoadSeconds: onnx1['loadSeconds'] as number,
          bytesPerRow: hidden * 4 + EXTRA_BYTES_PER_ROW,
          storeWriteMBps: STORE_WRITE_MBPS,
          finalizeMBps: FINALIZE_MBPS,
          sharedFsMBps: 1000,
        };
        const cluster = { nodes: num('nodes', 16), coresPerNode: num('cores-per-node', 16) };
        emit({ ...m, part: 'projection', inputs, assumptions: 'one shard per core (ORT intra-op threads 1), rate per core = tokens per CPU second of the 1-thread ONNX run measured here, linear scaling; store rates from docs/distributed.md', twoCores: projectShardedBuild({ ...inputs, nodes: 1, coresPerNode: 2 }), slurm: { ...cluster, ...projectShardedBuild({ ...inputs, ...cluster }) } });
      }
    }
  } finally {
    if (!keep) rmSync(base, { recursive: true, force: true });
  }
}

await main();
