/**
 * Surrogate faithfulness of the DualDA SVM against the network's own linear head, on the TRAINING
 * set and without the SVM intercept (DualXDA `src/surrogate_evaluation.py`, dualda.md §1.9).
 */
import { InvalidShapeError } from '../errors.js';
import { cosine, kendallTauB } from './stats.js';

export interface FaithfulnessInputs {
  /** Network head weights, K × d row-major (its bias is not used). */
  netWeights: ArrayLike<number>;
  /** Surrogate weights Σ_i α[i, m] x_i, K × d row-major (the intercept is not used). */
  svmWeights: ArrayLike<number>;
  /** Training features, n × d row-major. */
  features: ArrayLike<number>;
  /** Full network logits of the training rows (with the network bias), n × K. */
  netLogits: ArrayLike<number>;
  classes: number;
  dim: number;
}

export interface FaithfulnessResult {
  /** Mean over classes of cos(W_net[m], W_svm[m]). */
  weightCosine: number;
  /** Mean over training rows of cos(z_net, z_svm), z_svm = W_svm x (no intercept). */
  logitCosine: number;
  /** Multiclass Matthews correlation of argmax z_net vs argmax z_svm. */
  mcc: number;
  /** Mean over training rows of Kendall tau-b between z_net and z_svm (NaN if any row is constant). */
  kendallTau: number;
}

/** Multiclass MCC (sklearn `matthews_corrcoef`); 0 when either side predicts one class only. */
export function matthewsCorrcoef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const s = a.length;
  if (b.length !== s) throw new RangeError(`matthewsCorrcoef: lengths ${s} and ${b.length} differ`);
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  let agree = 0;
  for (let q = 0; q < s; q++) {
    const x = a[q] as number;
    const y = b[q] as number;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
    if (x === y) agree++;
  }
  let pt = 0, pp = 0, tt = 0;
  for (const [k, v] of ca) pt += v * (cb.get(k) ?? 0);
  for (const v of ca.values()) tt += v * v;
  for (const v of cb.values()) pp += v * v;
  const den = (s * s - pp) * (s * s - tt);
  return den === 0 ? 0 : (agree * s - pt) / Math.sqrt(den);
}

/**
 * Computes the four faithfulness numbers of the paper.
 *
 * @example
 * const f = surrogateFaithfulness({ netWeights, svmWeights: model.weights, features, netLogits, classes: K, dim: d });
 */
export function surrogateFaithfulness(inputs: FaithfulnessInputs): FaithfulnessResult {
  const { netWeights, svmWeights, features, netLogits, classes: K, dim: d } = inputs;
  const n = netLogits.length / K;
  if (netWeights.length !== K * d) throw new InvalidShapeError(`[${K}, ${d}]`, `${netWeights.length} elements`, 'netWeights');
  if (svmWeights.length !== K * d) throw new InvalidShapeError(`[${K}, ${d}]`, `${svmWeights.length} elements`, 'svmWeights');
  if (!Number.isInteger(n) || features.length !== n * d) throw new InvalidShapeError(`[n, ${d}] with n = netLogits rows`, `${features.length} elements`, 'features');
  let wc = 0;
  for (let m = 0; m < K; m++) wc += cosine(netWeights, m * d, svmWeights, m * d, d);
  const zs = new Float64Array(K);
  const zn = new Float64Array(K);
  const predNet = new Int32Array(n);
  const predSvm = new Int32Array(n);
  let lc = 0, tau = 0;
  for (let j = 0; j < n; j++) {
    for (let m = 0; m < K; m++) {
      let z = 0;
      for (let q = 0; q < d; q++) z += (svmWeights[m * d + q] as number) * (features[j * d + q] as number);
      zs[m] = z;
      zn[m] = netLogits[j * K + m] as number;
    }
    lc += cosine(zn, 0, zs, 0, K);
    tau += kendallTauB(zn, zs);
    predNet[j] = argmax(zn);
    predSvm[j] = argmax(zs);
  }
  return { weightCosine: wc / K, logitCosine: lc / n, mcc: matthewsCorrcoef(predNet, predSvm), kendallTau: tau / n };
}

function argmax(x: Float64Array): number {
  let best = 0;
  for (let m = 1; m < x.length; m++) if ((x[m] as number) > (x[best] as number)) best = m;
  return best;
}
