/**
 * How closely the surrogate follows the original model on the test set: the paper's faithfulness
 * figures (dualda.md 1.9: logit cosine, MCC, Kendall tau-b, surrogate logits without intercept)
 * evaluated on test rows instead of training rows, because the test store carries the model's
 * logits and the training store need not. Computed once at start-up, chunk by chunk.
 */
import { kendallTauB, matthewsCorrcoef, type TestAgreement } from '@dualxda/core';
import type { SupportVectorCache } from './surrogate-cache.js';
import type { TestSource } from './types.js';

/** Test rows used at most (bounds start-up time on huge test sets). */
export const MAX_AGREEMENT_ROWS = 100_000;

/** Scans up to `MAX_AGREEMENT_ROWS` test rows. */
export async function testAgreement(test: TestSource, logits: Float32Array, sv: SupportVectorCache): Promise<TestAgreement> {
  const { classes: K, dim } = sv;
  const { weights } = sv.model;
  const rows = Math.min(test.store.rows, MAX_AGREEMENT_ROWS);
  const netArg = new Int32Array(rows);
  const svmArg = new Int32Array(rows);
  const z = new Float64Array(K);
  const net = new Float64Array(K);
  let cosSum = 0;
  let tauSum = 0;
  let tauRows = 0;
  let agree = 0;
  for await (const block of test.store.iterChunks({ start: 0, end: Math.ceil(rows / test.store.chunkRows) })) {
    for (let r = 0; r < block.rows && block.start + r < rows; r++) {
      const t = block.start + r;
      let zz = 0;
      let nn = 0;
      let zn = 0;
      for (let m = 0; m < K; m++) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += weights[m * dim + i] * block.features[r * dim + i];
        z[m] = s;
        net[m] = logits[t * K + m];
        zz += s * s;
        nn += net[m] * net[m];
        zn += s * net[m];
      }
      cosSum += zz === 0 || nn === 0 ? 0 : zn / Math.sqrt(zz * nn);
      const tau = kendallTauB(net, z);
      if (Number.isFinite(tau)) {
        tauSum += tau;
        tauRows++;
      }
      netArg[t] = argmaxOf(net);
      svmArg[t] = argmaxOf(z);
      if (netArg[t] === svmArg[t]) agree++;
    }
  }
  return { rows, logitCosine: rows === 0 ? 0 : cosSum / rows, mcc: matthewsCorrcoef(netArg, svmArg), kendallTau: tauRows === 0 ? Number.NaN : tauSum / tauRows, argmaxAgreement: rows === 0 ? 0 : agree / rows };
}

function argmaxOf(x: Float64Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
