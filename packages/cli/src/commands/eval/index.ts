import { loadDualDAModel, openFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { checkStoreDir, resolvePath } from '../../lib/inputs.js';
import { readRunRecord } from '../../lib/run-file.js';
import { formatPercent, formatScore, snippet } from '../../lib/text.js';
import { accuracyFigures, faithfulnessFigures, sparsityFigures, topSelfInfluence } from '../../steps/metrics.js';
import { testInputsFromStore, type TestInputs } from '../../steps/test-inputs.js';
import { modelDirFor } from '../explain/index.js';
import type { EvalOptions } from './spec.js';

/** Test rows used for sparsity/accuracy (dense explanations are rows x n doubles). */
const EVAL_TEST_ROWS = 500;

/** `dualxda eval STORE --metric ...`. */
export async function evaluate(options: EvalOptions, ctx: RunContext): Promise<void> {
  const storePath = await checkStoreDir(resolvePath(ctx.cwd, options.store));
  const model = await loadDualDAModel(storePath);
  const train = await openFeatureStore(storePath);
  const metrics = [...new Set(options.metric)];
  let test: TestInputs | undefined;
  const needTest = async (metric: string): Promise<TestInputs> => {
    if (test !== undefined) return test;
    const run = await readRunRecord(storePath);
    const path = options.test !== undefined ? resolvePath(ctx.cwd, options.test) : run?.testStore;
    if (path === undefined) throw new UsageError(`--metric ${metric} needs test rows: pass --test TESTSTORE`, 'cache the test split with `dualxda cache --data test.jsonl --out TESTSTORE`');
    test = await testInputsFromStore(path, ctx, EVAL_TEST_ROWS);
    return test;
  };
  const results: Record<string, unknown> = {};
  for (const metric of metrics) {
    if (metric === 'sparsity') {
      const s = sparsityFigures(model, await needTest(metric), train.rows);
      results[metric] = s;
      ctx.print(`sparsity over ${s.testRows} test rows: l0 ${formatPercent(s.l0)} of training rows get no attribution, Hoyer ${s.hoyer.toFixed(3)}; support vectors ${formatPercent(s.supportVectorShare)} of training rows`);
    } else if (metric === 'faithfulness') {
      const f = await faithfulnessFigures(model, train, await modelDirFor(storePath, options.model, ctx, 'read the network head for faithfulness'), ctx);
      results[metric] = f;
      ctx.print(`faithfulness (training rows, SVM vs network): logit cosine ${f.logitCosine.toFixed(3)}, weight cosine ${f.weightCosine.toFixed(3)}, MCC ${f.mcc.toFixed(3)}, Kendall tau ${f.kendallTau.toFixed(3)}`);
    } else if (metric === 'accuracy') {
      const a = accuracyFigures(model, await needTest(metric));
      results[metric] = a;
      ctx.print(`accuracy over ${a.testRows} test rows: surrogate ${formatPercent(a.surrogateAccuracy)}${a.modelAccuracy === null ? '' : `, network ${formatPercent(a.modelAccuracy)}`}${a.agreement === null ? '' : `, agreement ${formatPercent(a.agreement)}`}`);
    } else {
      const rows = await topSelfInfluence(model, train, options.topK ?? 10);
      results[metric] = rows;
      ctx.print('highest self-influence (candidates for mislabelled training rows):');
      for (const r of rows) ctx.print(`  ${formatScore(r.score)}  [${r.label}] ${r.id}  "${snippet(r.text, 70)}"`);
    }
  }
  ctx.emitJson(results);
}
