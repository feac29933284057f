/**
 * Benchmark: XDA milliseconds per (test, train) pair, both heatmaps, for the embedded BERT at
 * sequence length 128, on the tfjs cpu and wasm backends; prints one JSON line per backend.
 *
 * Run from the repo root:
 *   node --conditions=@dualxda/source --import tsx tools/bench/xda.ts [--model spam-bert] [--seq 128] [--backends cpu,wasm] [--runs 5] [--k 1,8]
 *
 * `--model` names a folder of packages/llm-adapter/assets (default spam-bert). While that folder
 * does not exist the bench uses a random BERT with spam-bert's shape (2 layers, hidden 128, 4 heads,
 * intermediate 512, 128 positions; `model: "random-spam-bert-shape"`): timing depends only on the
 * shape. The sequence length is capped at max_position_embeddings (reported as `seq`). `k` > 1 times
 * explainTopK (one batched relevance pass for both sides of k pairs) and reports the time / k.
 *
 * The baseline runs in the same invocation: tools/bench/xda-torch-baseline.py (Debian python3-torch,
 * 1 thread) computes the same pairs' gradient×input heatmaps (both sides, one forward + backward of
 * the batch [test × k, trains]) on the same safetensors at the same length; per k the line carries
 * `torchMsPerPair` and `ratioToTorch` = XDA ms/pair ÷ torch ms/pair, and the same in CPU ms
 * (`--no-torch` skips it; a random model has no safetensors for torch to read, so it is skipped
 * there too). `--rounds` (3) rounds of (torch, XDA) run one after another and each number is the
 * median over rounds of the per-round medians of `--runs` calls (the machine may be shared).
 * `--before PATH` also times an older @dualxda/xda in the same rounds (PATH: its src/index.ts, e.g.
 * from `git archive HEAD packages/xda | tar -x -C /tmp/old` plus a node_modules link) and reports
 * `beforeMsPerPair` and `speedup`.
 *
 * `--warmup N` (10) calls run once per backend and k before the rounds, after one timed cold call
 * (`coldMsPerPair`): V8 compiles the engine's hot paths on background threads during the first
 * calls (a k = 1 pair then costs ~40% more wall and more CPU than wall), a once-per-process cost
 * that the dashboard's long-lived server pays once.
 *
 * `--deletion` adds a line `{bench: "xda-deletion"}`: evaluateTokenDeletion on the model's
 * reference.json texts (needs a real assets folder, i.e. spam-bert once it exists): mean drop of
 * ⟨f_test, f_train⟩ after deleting the 3 most relevant vs 3 random train tokens.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel, evaluateTokenDeletion, explainTopK, useXdaBackend } from '@dualxda/xda';
import type { HfConfig, WeightEntry, WeightMap, XdaBackend } from '@dualxda/xda';
import { printBenchJson } from '../src/index.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

const assets = join(import.meta.dirname, '..', '..', 'packages', 'llm-adapter', 'assets');
const wanted = arg('model', 'spam-bert');
const dir = join(assets, wanted);
const found = existsSync(join(dir, 'model.safetensors'));
const model = found ? wanted : 'random-spam-bert-shape';
const { config, weights } = found ? loadAsset(dir) : randomBert();

function loadAsset(folder: string): { config: HfConfig; weights: WeightMap } {
  const file = join(folder, 'model.safetensors');
  // Copy into a plain Uint8Array: a Node Buffer's slice() is a view on the shared pool.
  return {
    config: JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as HfConfig,
    weights: parseSafetensors(new Uint8Array(readFileSync(file)), file),
  };
}

function randomBert(): { config: HfConfig; weights: WeightMap } {
  const [H, I, L, V, P] = [128, 512, 2, 8192, 128];
  const config: HfConfig = {
    model_type: 'bert', hidden_size: H, num_hidden_layers: L, num_attention_heads: 4, intermediate_size: I,
    vocab_size: V, max_position_embeddings: P, type_vocab_size: 2, layer_norm_eps: 1e-12, hidden_act: 'gelu',
  };
  let r = 7;
  const w = new Map<string, WeightEntry>();
  const put = (name: string, shape: number[], scale: number, offset = 0) =>
    w.set(name, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * (((r = (Math.imul(r, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5)) });
  const lin = (n: string, o: number, i: number) => (put(`${n}.weight`, [o, i], 2 / Math.sqrt(i)), put(`${n}.bias`, [o], 0.1));
  const ln = (n: string) => (put(`${n}.weight`, [H], 0.2, 1), put(`${n}.bias`, [H], 0.1));
  put('bert.embeddings.word_embeddings.weight', [V, H], 1);
  put('bert.embeddings.position_embeddings.weight', [P, H], 0.2);
  put('bert.embeddings.token_type_embeddings.weight', [2, H], 0.2);
  ln('bert.embeddings.LayerNorm');
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const n of ['query', 'key', 'value']) lin(`${p}attention.self.${n}`, H, H);
    lin(`${p}attention.output.dense`, H, H);
    ln(`${p}attention.output.LayerNorm`);
    lin(`${p}intermediate.dense`, I, H);
    lin(`${p}output.dense`, H, I);
    ln(`${p}output.LayerNorm`);
  }
  lin('bert.pooler.dense', H, H);
  lin('classifier', 2, H);
  return { config, weights: w };
}
const seq = Math.min(Number(arg('seq', '128')), Number(config['max_position_embeddings']));
const vocab = Number(config['vocab_size']);
const runs = Number(arg('runs', '5'));
const ks = arg('k', '1,8').split(',').map(Number);

let s = 12345;
const nextId = () => 5 + ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % (vocab - 5));
const input = () => ({ ids: [2, ...Array.from({ length: seq - 2 }, nextId), 3] });

/** Torch's ms/pair for `k` pairs (wall and CPU medians of `runs`), or null when skipped. */
function torchBaseline(k: number): { wall: number; cpu: number; version: string } | null {
  if (!found || process.argv.includes('--no-torch')) return null;
  const script = join(import.meta.dirname, 'xda-torch-baseline.py');
  const r = spawnSync('/usr/bin/python3', [script, '--model', dir, '--seq', String(seq), '--k', String(k), '--runs', String(runs), '--threads', '1'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    // torch.set_num_threads(1) leaves an OpenMP thread busy in the backward (2× its wall in CPU on an
    // idle box): one thread means one, as XDA on tfjs-wasm runs on one.
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`xda-torch-baseline.py exited with ${r.status ?? r.signal}`);
  const out = JSON.parse(r.stdout) as Record<string, { msPerPair: number; cpuMsPerPair: number }> & { torch: string };
  const line = out[`k${k}`] as { msPerPair: number; cpuMsPerPair: number };
  return { wall: line.msPerPair, cpu: line.cpuMsPerPair, version: out.torch };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median wall and CPU ms per pair of `runs` calls after one warm-up call. */
function timePairs(fn: () => unknown, k: number): { wall: number; cpu: number } {
  fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wall: median(walls) / k, cpu: median(cpus) / k };
}

/** An older @dualxda/xda (`--before PATH` to its src/index.ts, e.g. from `git archive HEAD`), timed in the same rounds. */
type XdaModule = Pick<typeof import('@dualxda/xda'), 'createXdaModel' | 'explainTopK'>;
const beforePath = arg('before', '');
const before = beforePath === '' ? undefined : ((await import(resolve(beforePath))) as XdaModule);
const rounds = Number(arg('rounds', '3'));

for (const backend of arg('backends', 'cpu,wasm').split(',') as XdaBackend[]) {
  const active = await useXdaBackend(backend);
  const xda = createXdaModel(weights, config);
  const old = before?.createXdaModel(weights, config);
  const test = input();
  const result: Record<string, unknown> = { model, backend: active, seq, hidden: config['hidden_size'], layers: config['num_hidden_layers'], rounds, runs };
  for (const k of ks) {
    const trains = Array.from({ length: k }, input);
    const cold0 = performance.now();
    explainTopK(xda, test, trains);
    const coldMsPerPair = (performance.now() - cold0) / k;
    for (let i = 0; i < Number(arg('warmup', '10')); i++) explainTopK(xda, test, trains);
    // Rounds of (torch, ours, before) one after another, so that a shared machine's load hits all alike.
    const per: { torch: { wall: number; cpu: number } | null; ours: { wall: number; cpu: number }; before?: { wall: number; cpu: number } }[] = [];
    let version = '';
    for (let r = 0; r < rounds; r++) {
      const torch = torchBaseline(k);
      version = torch?.version ?? '';
      const ours = timePairs(() => explainTopK(xda, test, trains), k);
      const was = old === undefined || before === undefined ? undefined : timePairs(() => before.explainTopK(old, test, trains), k);
      per.push({ torch, ours, ...(was ? { before: was } : {}) });
    }
    const med = (f: (p: (typeof per)[number]) => number | undefined) => {
      const xs = per.map(f).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? undefined : median(xs);
    };
    const line: Record<string, unknown> = { msPerPair: med((p) => p.ours.wall), cpuMsPerPair: med((p) => p.ours.cpu), coldMsPerPair };
    if (per[0]?.torch) {
      Object.assign(line, {
        torchMsPerPair: med((p) => p.torch?.wall), torchCpuMsPerPair: med((p) => p.torch?.cpu),
        ratioToTorch: med((p) => p.ours.wall / (p.torch?.wall ?? NaN)), cpuRatioToTorch: med((p) => p.ours.cpu / (p.torch?.cpu ?? NaN)),
      });
      result['torch'] = { version, threads: 1 };
    }
    if (before) Object.assign(line, { beforeMsPerPair: med((p) => p.before?.wall), beforeCpuMsPerPair: med((p) => p.before?.cpu), speedup: med((p) => (p.before?.wall ?? NaN) / p.ours.wall) });
    result[`k${k}`] = line;
  }
  xda.dispose();
  old?.dispose();
  printBenchJson('xda', result);
}

if (process.argv.includes('--deletion') && found) {
  await useXdaBackend(arg('backends', 'cpu,wasm').includes('wasm') ? 'wasm' : 'cpu');
  const xda = createXdaModel(weights, config);
  const cases = (JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { cases: { input_ids: number[] }[] }).cases;
  const isBert = config['model_type'] === 'bert';
  const started = performance.now();
  const r = evaluateTokenDeletion(xda, cases.map((c) => ({ ids: c.input_ids })), { tokens: 3, randomDraws: 8, tests: 4, keepLast: isBert });
  printBenchJson('xda-deletion', { model, ...r, topBeatsRandom: r.meanTopDrop > r.meanRandomDrop, seconds: (performance.now() - started) / 1000 });
  xda.dispose();
}
