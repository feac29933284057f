/**
 * Benchmark: the built-in forward (XDA's tfjs model, used for checkpoint folders without
 * `onnx/model.onnx`) against ONNX Runtime on the same texts, batch and length, in one run: median
 * of 3 `embed` calls each (wall and CPU seconds), tokens/s, the ratio, and the largest feature
 * difference relative to the ONNX features' scale. Prints one JSON document.
 *
 * Run from the repo root:
 *   node --conditions=@dualxda/source --import tsx tools/bench/extract-builtin.ts \
 *     [--model packages/llm-adapter/assets/spam-bert] [--texts 64] [--max-length 128] [--batch-size 32] [--backend wasm|cpu]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openModel, type FeatureModel } from '@dualxda/llm-adapter';
import { xdaFeatureForward } from '../src/xda-forward.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}
const modelDir = resolve(arg('model', 'packages/llm-adapter/assets/spam-bert'));
const n = Number(arg('texts', '64'));
const maxLength = Number(arg('max-length', '128'));
const batchSize = Number(arg('batch-size', '32'));
const lines = readFileSync('packages/llm-adapter/assets/corpus/train.jsonl', 'utf8').split('\n').filter((l) => l.trim() !== '');
const texts = lines.slice(0, n).map((l) => (JSON.parse(l) as { text: string }).text);

const backend = arg('backend', 'wasm') as 'wasm' | 'cpu';

async function measure(model: FeatureModel): Promise<{ wallSeconds: number; cpuSeconds: number; tokensPerSecond: number; features: Float32Array }> {
  await model.embed(texts.slice(0, 4), { maxLength, batchSize }); // warm-up
  const runs: { wallSeconds: number; cpuSeconds: number; tokens: number; features: Float32Array }[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await model.embed(texts, { maxLength, batchSize });
    const wallSeconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    runs.push({ wallSeconds, cpuSeconds: (c.user + c.system) / 1e6, tokens: r.lengths.reduce((a, b) => a + b, 0), features: r.features });
  }
  runs.sort((a, b) => a.wallSeconds - b.wallSeconds);
  const m = runs[1] as (typeof runs)[number];
  return { wallSeconds: m.wallSeconds, cpuSeconds: m.cpuSeconds, tokensPerSecond: m.tokens / m.wallSeconds, features: m.features };
}

const copy = mkdtempSync(join(tmpdir(), 'bench-builtin-'));
try {
  cpSync(modelDir, copy, { recursive: true, filter: (src) => src !== join(modelDir, 'onnx') });
  const onnxModel = await openModel(modelDir, { intraOpThreads: 1 });
  const onnx = await measure(onnxModel);
  await onnxModel.release();
  const builtinModel = await openModel(copy, { forward: xdaFeatureForward(backend) });
  const builtin = await measure(builtinModel);
  await builtinModel.release();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < onnx.features.length; i++) {
    diff = Math.max(diff, Math.abs((builtin.features[i] as number) - (onnx.features[i] as number)));
    scale = Math.max(scale, Math.abs(onnx.features[i] as number));
  }
  const strip = ({ features: _, ...rest }: typeof onnx) => rest;
  console.log(
    JSON.stringify(
      {
        bench: 'extract-builtin',
        model: modelDir,
        texts: texts.length,
        maxLength,
        batchSize,
        onnx: { ...strip(onnx), intraOpThreads: 1 },
        builtin: { ...strip(builtin), runner: `tfjs-${backend}` },
        builtinOverOnnxTokensPerSecond: builtin.tokensPerSecond / onnx.tokensPerSecond,
        featureRelativeDifference: diff / scale,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
