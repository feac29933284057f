import { loadDualDAModel, openFeatureStore, type CollapseReport, type DualDAModel, type FaithfulnessResult, type ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InterruptedError } from '../../errors.js';
import { readCollapseReport } from '../../lib/collapse-file.js';
import { printCollapseReport } from '../../lib/collapse-text.js';
import { checkStoreDir, isDirectory, resolvePath } from '../../lib/inputs.js';
import { readRunRecord, type RunRecord } from '../../lib/run-file.js';
import { formatPercent } from '../../lib/text.js';
import { computeCollapseReport } from '../../steps/collapse-report.js';
import { supportVectorsPerClass } from '../../steps/fit-model.js';
import { faithfulnessFigures } from '../../steps/metrics.js';
import type { InspectOptions } from './spec.js';

/** Model facts `inspect` prints. */
export interface ModelFacts {
  C: number;
  supportVectors: number;
  svPerClass: number[];
  /** Share of training rows with α = 0 for every class (never attributed). */
  sparsity: number;
  diagnostics: DualDAModel['diagnostics'];
  /** Candidate-set models (`fit --classes`): the model's class names (`svPerClass` is indexed by them). */
  candidateClassNames?: string[];
}

async function modelFacts(storePath: string, rows: number, labels: Int32Array): Promise<ModelFacts | undefined> {
  if (!(await isDirectory(`${storePath}/dualda`))) return undefined;
  const model = await loadDualDAModel(storePath);
  // A candidate-set model's class k is store class classIds[k]: count its support vectors by model class.
  const index = model.classIds === undefined ? undefined : new Map(model.classIds.map((c, k) => [c, k]));
  const classOf = (y: number): number => (index === undefined ? y : (index.get(y) ?? -1));
  return {
    ...(model.classIds === undefined ? {} : { candidateClassNames: model.classNames }),
    C: model.C,
    supportVectors: model.svIndices.length,
    svPerClass: supportVectorsPerClass(model, (s) => classOf(labels[model.svIndices[s]!] ?? -1)),
    sparsity: rows === 0 ? 0 : 1 - model.svIndices.length / rows,
    diagnostics: model.diagnostics,
  };
}

/**
 * The collapse report `fit` recorded; for a model fitted before it existed, computed now (not
 * written: inspect never modifies the store). Null without a model or when computing fails.
 */
async function collapseReport(path: string, store: ZarrFeatureStore, run: RunRecord | undefined, ctx: RunContext): Promise<{ report: CollapseReport; recorded: boolean } | null> {
  const recorded = await readCollapseReport(path);
  if (recorded !== undefined) return { report: recorded, recorded: true };
  try {
    const model = await loadDualDAModel(path);
    return { report: await computeCollapseReport(model, store, ctx, run?.testStore === undefined ? {} : { testStore: run.testStore }), recorded: false };
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    ctx.warn(`collapse check skipped: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/** `dualxda inspect STORE`. */
export async function inspect(options: InspectOptions, ctx: RunContext): Promise<void> {
  const path = await checkStoreDir(resolvePath(ctx.cwd, options.store));
  const store = await openFeatureStore(path);
  const m = store.manifest;
  const labels = await store.readLabels();
  const perClass = new Array<number>(Math.max(m.classNames.length, 1 + labels.reduce((a, b) => Math.max(a, b), -1))).fill(0);
  for (const y of labels) perClass[y] = (perClass[y] ?? 0) + 1;
  const facts = await modelFacts(path, store.rows, labels);
  const run = await readRunRecord(path);
  // Faithfulness needs the network head (checkpoint) and the stored logits; skip quietly otherwise.
  let faithfulness: FaithfulnessResult | null = null;
  if (facts !== undefined && run?.modelDir !== undefined && store.logitsDim > 0) {
    faithfulness = await faithfulnessFigures(await loadDualDAModel(path), store, run.modelDir, ctx).catch((err: unknown) => {
      ctx.warn(`faithfulness skipped: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
  }
  const collapse = facts === undefined ? null : await collapseReport(path, store, run, ctx);
  ctx.emitJson({ store: path, manifest: m, rowsPerClass: perClass, model: facts ?? null, faithfulness, collapse: collapse?.report ?? null, collapseRecorded: collapse?.recorded ?? false, run: run ?? null });
  const name = (k: number): string => m.classNames[k] ?? String(k);
  ctx.print(`store ${path}`);
  ctx.print(`  rows ${m.rows} x dim ${m.dim} (${m.dtype}, ${m.head} head, chunks of ${m.chunkRows})`);
  ctx.print(`  rows per class: ${perClass.map((c, k) => `${name(k)}=${c}`).join(', ')}`);
  ctx.print(`  layer ${m.layer || '-'}, model hash ${m.modelHash ? m.modelHash.slice(0, 12) : '-'}, dataset ${m.datasetRevision || '-'}, by ${m.tool} at ${m.createdAt}`);
  if (facts === undefined) {
    ctx.print(`  no DualDA model yet: run \`dualxda fit ${options.store}\``);
  } else {
    const d = facts.diagnostics;
    ctx.print(`DualDA model: C=${facts.C}, ${facts.supportVectors} support vectors (${formatPercent(facts.supportVectors / Math.max(1, m.rows))} of the training rows)`);
    const svName = (k: number): string => facts.candidateClassNames?.[k] ?? name(k);
    ctx.print(`  support vectors per class: ${facts.svPerClass.map((c, k) => `${svName(k)}=${c}`).join(', ')}`);
    ctx.print(`  sparsity: ${formatPercent(facts.sparsity)} of training rows never get a non-zero attribution`);
    ctx.print(`  solver: converged=${String(d['converged'])}, passes=${String(d['iterations'])}, max KKT violation=${String(d['maxViolation'])}`);
  }
  if (faithfulness !== null) {
    const f = faithfulness;
    ctx.print(`  faithfulness (SVM vs network, training rows): logit cosine ${f.logitCosine.toFixed(3)}, weight cosine ${f.weightCosine.toFixed(3)}, MCC ${f.mcc.toFixed(3)}, Kendall tau ${f.kendallTau.toFixed(3)}`);
  } else if (facts !== undefined) {
    ctx.print(`  faithfulness: needs the checkpoint and stored logits: dualxda eval ${options.store} --metric faithfulness --model DIR`);
  }
  if (collapse !== null) {
    const note = collapse.recorded ? '' : ' (computed now; this model was fitted without it: refit to record it)';
    printCollapseReport(collapse.report, facts?.candidateClassNames ?? m.classNames, ctx, `collapse check: ${collapse.report.verdict.level}-level explanations${note}`);
  }
  if (run?.testStore !== undefined) ctx.print(`test store: ${run.testStore}`);
}
