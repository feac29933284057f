/** Test helpers: synthetic data, LIBLINEAR CLI driver, objective and identity checks. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SolverResult } from '../src/types.js';

/** Gaussian blobs, values rounded to 4 decimals so a libsvm text file holds them exactly. */
export function makeBlobs(n: number, d: number, K: number, seed: number, spread = 1.2): { x: Float64Array; y: Int32Array } {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const centers = Float64Array.from({ length: K * d }, gauss);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u() * K);
    y[i] = k;
    for (let j = 0; j < d; j++) x[i * d + j] = Math.round(((centers[k * d + j] as number) + spread * gauss()) * 1e4) / 1e4;
  }
  return { x, y };
}

/** Primal objective and argmax predictions of W̃ (K x (d+1), bias column last, bias feature 1). */
export function primalOf(w: ArrayLike<number>, K: number, x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, C: number): { primal: number; pred: Int32Array } {
  const D = d + 1;
  let half = 0;
  for (let t = 0; t < K * D; t++) half += (w[t] as number) * (w[t] as number);
  let hinge = 0;
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity, arg = 0, maxG = -Infinity, gy = 0;
    for (let m = 0; m < K; m++) {
      let s = (w[m * D + d] as number);
      for (let j = 0; j < d; j++) s += (w[m * D + j] as number) * (x[i * d + j] as number);
      if (s > best) { best = s; arg = m; }
      if (m === y[i]) gy = s;
      maxG = Math.max(maxG, s + (m === y[i] ? 0 : 1));
    }
    pred[i] = arg;
    hinge += maxG - gy;
  }
  return { primal: 0.5 * half + C * hinge, pred };
}

/** W̃ of a result (weights plus the bias column, biasScale 1). */
export function wTilde(r: SolverResult): Float64Array {
  const { classes: K, dim: d } = r;
  const w = new Float64Array(K * (d + 1));
  for (let m = 0; m < K; m++) {
    w.set(r.weights.subarray(m * d, m * d + d), m * (d + 1));
    w[m * (d + 1) + d] = (r.bias[m] as number);
  }
  return w;
}

/** Runs `liblinear-train -s 4 -B 1 -e 1e-4 -c C` on (x, y) and returns W̃ in sorted-label class order. */
export function runLiblinear(x: Float64Array, y: Int32Array, n: number, d: number, C: number): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), 'solver-ll-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const f: string[] = [];
      for (let j = 0; j < d; j++) if (x[i * d + j] !== 0) f.push(`${j + 1}:${x[i * d + j]}`);
      lines.push(`${y[i]} ${f.join(' ')}`);
    }
    writeFileSync(join(dir, 'data'), lines.join('\n') + '\n');
    execFileSync('liblinear-train', ['-q', '-s', '4', '-B', '1', '-e', '1e-4', '-c', String(C), join(dir, 'data'), join(dir, 'model')]);
    const text = readFileSync(join(dir, 'model'), 'utf8').split('\n');
    const labels = (text.find((l) => l.startsWith('label ')) as string).split(/\s+/).slice(1).map(Number);
    const start = text.indexOf('w') + 1;
    const K = labels.length;
    const sortedPos = [...labels].sort((a, b) => a - b);
    const w = new Float64Array(K * (d + 1));
    for (let j = 0; j <= d; j++) {
      const vals = (text[start + j] as string).trim().split(/\s+/).map(Number);
      for (let c = 0; c < K; c++) w[sortedPos.indexOf((labels[c] as number)) * (d + 1) + j] = (vals[c] as number);
    }
    return w;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest violation of the identities of dualda.md §7.2 (0 when all hold exactly). */
export function identityError(r: SolverResult, x: ArrayLike<number>, y: ArrayLike<number>, n: number, C: number): number {
  const { classes: K, dim: d } = r;
  const w = new Float64Array(K * d);
  const b = new Float64Array(K);
  let err = 0;
  for (let s = 0; s < r.svIndices.length; s++) {
    const i = (r.svIndices[s] as number);
    let sum = 0;
    for (let m = 0; m < K; m++) {
      const a = (r.svAlpha[s * K + m] as number);
      sum += a;
      b[m] += a;
      for (let j = 0; j < d; j++) w[m * d + j] += a * (x[i * d + j] as number);
      if (m === y[i]) err = Math.max(err, -a, a - C);
      else err = Math.max(err, a);
    }
    err = Math.max(err, Math.abs(sum));
  }
  for (let t = 0; t < K * d; t++) err = Math.max(err, Math.abs((w[t] as number) - (r.weights[t] as number)));
  for (let m = 0; m < K; m++) err = Math.max(err, Math.abs((b[m] as number) - (r.bias[m] as number)));
  return err;
}
