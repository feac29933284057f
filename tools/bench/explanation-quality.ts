/**
 * Explanation-quality bench (issue 13): are the embedded model's explanations about the input?
 * Prints one JSON line with
 * - item 1: feature spectrum of the training features (participation ratio uncentred / centred /
 *   within-class, entropy effective rank, top-direction share), proponent diversity over the test
 *   split (top-1 concentration, mean pairwise Jaccard of top-10 sets), the collapse verdict, and
 *   the network's test accuracy (core `featureSpectrum`, `proponentDiversity`, `collapseVerdict`);
 * - item 3: median |token sum| / |attribution| per side in both XDA modes on the demo pairs
 *   (tools/bench/xda-budget.ts, run as a child process);
 * - item 4: `dualxda eval` xda-deletion (curves and areas, per XDA mode), identical-class,
 *   identical-subclass, and mislabeling / shortcut on tools/assets/spam-bert-{noisy,shortcut}
 *   (`{"skipped": reason}` while those checkpoints do not exist).
 *
 * The stores: .dualxda/demo (from `npm start`) when it is fresh (same checkpoint hash, one row per
 * corpus line, fitted), else `dualxda eval --model --data --out` builds them under --out.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/explanation-quality.ts [--rows 10] [--modes per-position,word] [--budget-examples 3] [--out .dualxda/bench/explanation-quality] [--model DIR --data DIR] [--store DIR]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collapseVerdict, explain, featureSpectrum, loadDualDAModel, openFeatureStore, proponentDiversity } from '@dualxda/core';
import { printBenchJson } from '../src/index.js';

const root = resolve(import.meta.dirname, '..', '..');
const assets = join(root, 'packages', 'llm-adapter', 'assets');
const { values: o } = parseArgs({
  options: {
    model: { type: 'string', default: join(assets, 'spam-bert') },
    data: { type: 'string', default: join(assets, 'corpus') },
    store: { type: 'string' },
    demo: { type: 'string', default: join(root, '.dualxda', 'demo') },
    out: { type: 'string', default: join(root, '.dualxda', 'bench', 'explanation-quality') },
    rows: { type: 'string', default: '10' },
    modes: { type: 'string', default: 'per-position,word' },
    'budget-examples': { type: 'string', default: '3' },
    noisy: { type: 'string', default: join(root, 'tools', 'assets', 'spam-bert-noisy') },
    shortcut: { type: 'string', default: join(root, 'tools', 'assets', 'spam-bert-shortcut') },
  },
});
const started = performance.now();
const seconds: Record<string, number> = {};
const log = (line: string): void => void process.stderr.write(`explanation-quality: ${line}\n`);

/** Runs a node script of this repo (the CLI or another bench) and parses the JSON it prints. */
function runJson(script: string, args: string[], viaTsx: boolean): Promise<Record<string, unknown>> {
  const argv = viaTsx ? ['--conditions=@dualxda/source', '--import', 'tsx', script, ...args] : [script, ...args];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${script} ${args.join(' ')} exited ${code}`));
      // The CLI prints one (pretty) JSON document, benches one JSON line after any log lines.
      try {
        done(JSON.parse(out) as Record<string, unknown>);
      } catch {
        done(JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1) ?? 'null') as Record<string, unknown>);
      }
    });
  });
}
const cli = (args: string[]) => runJson(join(root, 'packages', 'cli', 'bin', 'dualxda.js'), [...args, '--json'], false);
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  log(`${name} ...`);
  try {
    return await fn();
  } finally {
    seconds[name] = (performance.now() - t0) / 1000;
  }
}

/** Whether `train` was cached from this checkpoint (model hash) and every row of the corpus, and fitted. */
async function storeMatches(train: string, modelDir: string, dataDir: string): Promise<boolean> {
  if (!existsSync(join(train, 'dualda')) || !existsSync(join(train, 'dualxda-run.json'))) return false;
  const store = await openFeatureStore(train).catch(() => undefined);
  const hash = createHash('sha256').update(readFileSync(join(modelDir, 'model.safetensors'))).digest('hex');
  const lines = readFileSync(join(dataDir, 'train.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  return store !== undefined && store.manifest.modelHash === hash && store.rows === lines;
}

/** `dualxda eval --out DIR` reuses DIR; a cache of an older checkpoint is the bench's own, so drop it. */
async function dropStale(out: string, modelDir: string, dataDir: string): Promise<void> {
  if (existsSync(join(out, 'train')) && !(await storeMatches(join(out, 'train'), modelDir, dataDir))) {
    log(`${out} holds stores of another checkpoint or corpus: rebuilding`);
    await rm(out, { recursive: true, force: true });
  }
}

const modelDir = resolve(o.model!);
const dataDir = resolve(o.data!);
const demoTrain = join(resolve(o.demo!), 'train');
let storePath = o.store !== undefined ? resolve(o.store) : (await storeMatches(demoTrain, modelDir, dataDir)) ? demoTrain : undefined;
if (storePath === undefined) await dropStale(resolve(o.out!), modelDir, dataDir);
const source = o.store !== undefined ? 'given' : storePath !== undefined ? 'demo' : 'built';
const storeArgs = (): string[] => (storePath !== undefined ? [storePath] : ['--model', modelDir, '--data', dataDir, '--out', resolve(o.out!)]);

// Item 4 (first: without a fresh demo this builds the stores everything else reads).
const agreement = await timed('identical-class/subclass', () => cli(['eval', ...storeArgs(), '-m', 'identical-class', '-m', 'identical-subclass', '-q']));
storePath ??= join(resolve(o.out!), 'train');
const run = JSON.parse(readFileSync(join(storePath, 'dualxda-run.json'), 'utf8')) as { testStore: string };
const testPath = resolve(storePath, run.testStore);

// Item 1: spectrum of the training features, diversity of the test split's top-10 proponents.
const item1 = await timed('spectrum+diversity', async () => {
  const [model, train, test] = await Promise.all([loadDualDAModel(storePath!), openFeatureStore(storePath!), openFeatureStore(testPath)]);
  const rows = await train.readRows(0, train.rows);
  const spectrum = featureSpectrum({ data: rows.features, shape: [train.rows, train.dim] }, rows.labels);
  const t = await test.readRows(0, test.rows);
  const K = model.classNames.length;
  const logits = await test.readLogits(0, test.rows);
  const targets = Int32Array.from({ length: test.rows }, (_, i) => {
    const z = Array.from(logits.subarray(i * K, (i + 1) * K));
    return z.indexOf(Math.max(...z));
  });
  let correct = 0;
  targets.forEach((c, i) => (correct += c === t.labels[i] ? 1 : 0));
  const ex = explain(model, { data: t.features, shape: [test.rows, test.dim] }, { topK: 10, targets });
  const ids = await train.readIds(0, train.rows);
  const diversity = proponentDiversity({ proponents: ex.rows.map((r) => r.proponents.map((a) => a.index)), opponents: ex.rows.map((r) => r.opponents.map((a) => a.index)), trainRows: train.rows }, { k: 10, idOf: (i) => ids[i] ?? String(i) });
  const verdict = collapseVerdict(spectrum, diversity);
  const w = spectrum.withinClass;
  return {
    spectrum: {
      participationRatio: { uncentred: spectrum.uncentred.participationRatio, centred: spectrum.centred.participationRatio, withinClassPooled: w?.pooled.participationRatio ?? null, withinClassMin: w?.minParticipationRatio ?? null },
      effectiveRank: { uncentred: spectrum.uncentred.effectiveRank, centred: spectrum.centred.effectiveRank, withinClassPooled: w?.pooled.effectiveRank ?? null },
      topShare: { uncentred: spectrum.uncentred.topShare, centred: spectrum.centred.topShare, withinClassPooled: w?.pooled.topShare ?? null },
    },
    diversity: { testRows: test.rows, k: 10, proponents: diversity.proponents, opponents: diversity.opponents },
    verdict: { level: verdict.level, summary: verdict.summary },
    testAccuracy: correct / Math.max(1, test.rows),
  };
});

// Item 3: the xda engineer's budget bench on the demo pairs (both modes).
const budgetScript = join(root, 'tools', 'bench', 'xda-budget.ts');
const item3 = existsSync(budgetScript)
  ? await timed('xda-budget', () => runJson(budgetScript, ['--store', storePath!, '--examples', o['budget-examples']!], true).catch((e: unknown) => ({ skipped: String(e) })))
  : { skipped: 'tools/bench/xda-budget.ts is not in this checkout' };

// Item 4: deletion curves per XDA mode (top proponent and top opponent of each sampled test row).
const deletion: Record<string, unknown> = {};
for (const mode of o.modes!.split(',').filter((m) => m !== '')) {
  const r = await timed(`xda-deletion ${mode}`, () => cli(['eval', storePath!, '-m', 'xda-deletion', '--rows', o.rows!, '--opponents', '--xda-mode', mode, '-q']));
  const { pairDetails: _details, ...summary } = r['xda-deletion'] as Record<string, unknown>;
  deletion[mode] = summary;
}

/** A planted-defect metric on its own checkpoint, or why not. */
async function planted(dir: string, metric: 'mislabeling' | 'shortcut'): Promise<unknown> {
  if (!existsSync(join(dir, 'config.json')) || !existsSync(join(dir, 'corpus', 'train.jsonl'))) return { skipped: `${dir} (checkpoint + corpus/train.jsonl) does not exist yet` };
  const out = join(resolve(o.out!), metric);
  await dropStale(out, dir, join(dir, 'corpus'));
  const r = await timed(metric, () => cli(['eval', '--model', dir, '--data', join(dir, 'corpus'), '--out', out, '-m', metric, '-q']));
  return r[metric];
}
const mislabeling = await planted(resolve(o.noisy!), 'mislabeling');
const shortcut = await planted(resolve(o.shortcut!), 'shortcut');

printBenchJson('explanation-quality', {
  model: modelDir,
  store: { path: storePath, source },
  item1,
  item3,
  item4: { xdaDeletion: deletion, identicalClass: agreement['identical-class'], identicalSubclass: agreement['identical-subclass'], mislabeling, shortcut },
  seconds: { ...seconds, total: (performance.now() - started) / 1000 },
});
