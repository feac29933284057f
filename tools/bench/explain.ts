/**
 * Explain latency bench (issue 6). Synthetic DualDA model with 20,000 support vectors, d = 768,
 * K = 4; reports the batched p50 per query (goal <= 1 ms), single-query latency, and the fraction
 * of a measured in-cache peak of the same GEMM kernel. Prints one JSON object.
 *
 *   node --conditions=@dualxda/source --import tsx tools/bench/explain.ts [--sv 20000] [--dim 768] [--batch 64]
 */
import { parseArgs } from 'node:util';
import { createExplainWorkspace, explain, explainBatchInto, gemmNtF32, type DualDAModel } from '@dualxda/core';

const { values } = parseArgs({
  options: {
    sv: { type: 'string', default: '20000' },
    dim: { type: 'string', default: '768' },
    batch: { type: 'string', default: '64' },
    reps: { type: 'string', default: '7' },
    topK: { type: 'string', default: '10' },
  },
});
const nSV = Number(values.sv);
const d = Number(values.dim);
const B = Number(values.batch);
const reps = Number(values.reps);
const topK = Number(values.topK);
const K = 4;

let seed = 12345;
const rand = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

function syntheticModel(): DualDAModel {
  const svFeatures = Float32Array.from({ length: nSV * d }, () => rand() * 2 - 1);
  const svAlpha = new Float64Array(nSV * K);
  for (let j = 0; j < nSV; j++) {
    const y = j % K;
    const a = 0.1 * rand();
    svAlpha[j * K + y] = a;
    svAlpha[j * K + ((y + 1) % K)] = -a;
  }
  return {
    svIndices: Int32Array.from({ length: nSV }, (_, j) => j),
    svIds: Array.from({ length: nSV }, (_, j) => `row-${j}`),
    svAlpha,
    svFeatures,
    svNorms: new Float32Array(nSV),
    weights: new Float64Array(K * d),
    bias: new Float64Array(K),
    C: 0.1,
    classNames: ['a', 'b', 'c', 'd'],
    diagnostics: {},
    modelHash: 'bench',
    datasetRevision: 'bench',
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const model = syntheticModel();
const test = Float32Array.from({ length: B * d }, () => rand() * 2 - 1);
const ws = createExplainWorkspace(B, topK, 512);
for (let t = 0; t < B; t++) ws.targets[t] = t % K;
const view = (rows: number) => ({ data: test, rows, dim: d, rowStride: d, colStride: 1, offset: 0 });

// Batched: one workspace reused, no allocation per batch.
explainBatchInto(model, K, view(B), ws);
const batchMs: number[] = [];
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  explainBatchInto(model, K, view(B), ws);
  batchMs.push(performance.now() - t0);
}
const perQueryMs = batchMs.map((ms) => ms / B);

// Single query through the public wrapper (allocates its own small workspace).
const singleMs: number[] = [];
const one = { data: test.subarray(0, d), shape: [1, d] };
for (let r = 0; r < Math.max(5, reps); r++) {
  const t0 = performance.now();
  explain(model, one, { targets: Int32Array.of(0), topK });
  singleMs.push(performance.now() - t0);
}

// Peak of the same kernel on an in-cache problem (64 × 256 × d, repeated).
const pa = Float32Array.from({ length: 64 * d }, () => rand());
const pb = Float32Array.from({ length: 256 * d }, () => rand());
const pc = new Float64Array(64 * 256);
gemmNtF32(64, 256, d, pa, d, 1, 0, pb, d, 1, 0, pc, 256, 1, 0);
const peakRuns: number[] = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  for (let q = 0; q < 4; q++) gemmNtF32(64, 256, d, pa, d, 1, 0, pb, d, 1, 0, pc, 256, 1, 0);
  peakRuns.push((4 * 2 * 64 * 256 * d) / ((performance.now() - t0) * 1e6));
}
const peakGflops = Math.max(...peakRuns);
const explainGflops = (2 * nSV * d) / (median(perQueryMs) * 1e6);

console.log(JSON.stringify({
  bench: 'explain',
  supportVectors: nSV,
  dim: d,
  classes: K,
  batch: B,
  topK,
  batchedP50PerQueryMs: +median(perQueryMs).toFixed(4),
  batchedMinPerQueryMs: +Math.min(...perQueryMs).toFixed(4),
  singleQueryP50Ms: +median(singleMs).toFixed(3),
  goalPerQueryMs: 1,
  meetsGoal: median(perQueryMs) <= 1,
  explainGflops: +explainGflops.toFixed(2),
  kernelPeakGflops: +peakGflops.toFixed(2),
  fractionOfPeak: +(explainGflops / peakGflops).toFixed(3),
  node: process.version,
}, null, 2));
