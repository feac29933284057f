/**
 * LIBLINEAR's text formats for the solver benches: LIBSVM input, its model file (`-s 4 -B 1`), and
 * the Crammer–Singer primal objective both solvers are compared on.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

/** ½‖W̃‖² + C Σ_i max_m (e_i^m + w̃_m·x̃_i − w̃_{y_i}·x̃_i), W̃ = K x (d+1) with the bias column last. */
export function primal(w: Float64Array, K: number, x: Float32Array, y: Int32Array, n: number, d: number, C: number): number {
  const D = d + 1;
  let half = 0;
  for (let t = 0; t < w.length; t++) half += (w[t] as number) ** 2;
  let hinge = 0;
  for (let i = 0; i < n; i++) {
    let maxG = -Infinity, gy = 0;
    for (let m = 0; m < K; m++) {
      let s = w[m * D + d] as number;
      for (let j = 0; j < d; j++) s += (w[m * D + j] as number) * (x[i * d + j] as number);
      if (m === y[i]) gy = s;
      maxG = Math.max(maxG, s + (m === y[i] ? 0 : 1));
    }
    hinge += maxG - gy;
  }
  return 0.5 * half + C * hinge;
}

/** W̃ (K x (d+1), bias column last) of a LIBLINEAR model file; columns past nr_feature stay 0. */
export function readLiblinearModel(path: string, d: number): { w: Float64Array; K: number } {
  const text = readFileSync(path, 'utf8').split('\n');
  const labels = (text.find((l) => l.startsWith('label ')) as string).split(/\s+/).slice(1).map(Number);
  // LIBLINEAR sizes w by the largest feature index it saw (nr_feature); the bias row follows.
  const nrFeature = Number((text.find((l) => l.startsWith('nr_feature ')) as string).split(/\s+/)[1]);
  const start = text.indexOf('w') + 1;
  const K = labels.length;
  const w = new Float64Array(K * (d + 1));
  for (let j = 0; j <= nrFeature; j++) {
    const vals = (text[start + j] as string).trim().split(/\s+/).map(Number);
    const col = j === nrFeature ? d : j;
    for (let c = 0; c < K; c++) w[(labels[c] as number) * (d + 1) + col] = vals[c] as number;
  }
  return { w, K };
}

/** Writes rows as LIBSVM text (1-based indices, zeros left out, float32 values to 9 significant digits). */
export async function writeLibsvm(path: string, x: Float32Array, y: Int32Array, n: number, d: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    let line = `${y[i]}`;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j] as number;
      // 9 significant digits identify the float32 value; trailing zeros dropped.
      if (v !== 0) line += ` ${j + 1}:${Number(v.toPrecision(9))}`;
    }
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
