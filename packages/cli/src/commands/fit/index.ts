import type { RunContext } from '../../context.js';
import { printCollapseReport } from '../../lib/collapse-text.js';
import { checkStoreDir, resolvePath } from '../../lib/inputs.js';
import { formatPercent } from '../../lib/text.js';
import { fitStore, type FitSummary } from '../../steps/fit-model.js';
import type { FitOptions } from './spec.js';

/** Human summary of a fit, shared with `demo`. */
export function printFitSummary(s: FitSummary, classNames: readonly string[], ctx: RunContext): void {
  ctx.print(`DualDA surrogate: C=${s.C}, ${s.rows} training rows, ${s.dim} features, ${s.classes} classes (${s.mode} solver)`);
  ctx.print(`  solver: ${s.converged ? 'converged' : `stopped (${s.stopReason})`} after ${s.iterations} passes in ${s.seconds.toFixed(1)} s, max KKT violation ${s.maxViolation.toExponential(2)}`);
  ctx.print(`  support vectors: ${s.supportVectors} of ${s.rows} (${formatPercent(s.supportVectors / Math.max(1, s.rows))}); per class: ${s.svPerClass.map((c, k) => `${classNames[k] ?? k}=${c}`).join(', ')}`);
  ctx.print(`  surrogate training accuracy: ${formatPercent(s.trainAccuracy)}`);
  const cc = s.candidateClasses;
  if (cc !== undefined) ctx.print(`  candidate set ${cc.rule}: ${s.classes} of ${cc.storeClasses} classes; ${cc.rowsDropped} rows labelled outside it were dropped (not in the ${s.rows} training rows)`);
}

/** Warnings when the solution looks degenerate. */
export function sanityWarnings(s: FitSummary): string[] {
  const out: string[] = [];
  if (s.supportVectors === 0) out.push('no support vectors: the surrogate attributes nothing (is C far too small, or do all rows share one label?)');
  if (!s.converged) out.push(`the solver stopped early (${s.stopReason}); attributions are approximate. Raise --time-budget or --max-passes, or loosen --tolerance`);
  if (s.classes > 1 && s.trainAccuracy < 1 / s.classes + 0.05) out.push(`surrogate training accuracy ${formatPercent(s.trainAccuracy)} is near chance: try a larger --C`);
  return out;
}

/** `dualxda fit STORE`. */
export async function fit(options: FitOptions, ctx: RunContext): Promise<void> {
  const store = await checkStoreDir(resolvePath(ctx.cwd, options.store));
  // A --classes FILE is relative to where the command runs.
  const classes = options.classes?.kind === 'file' ? { kind: 'file' as const, path: resolvePath(ctx.cwd, options.classes.path) } : options.classes;
  const { model, summary, collapse } = await fitStore(store, { ...options, ...(classes === undefined ? {} : { classes }) }, ctx);
  for (const w of sanityWarnings(summary)) ctx.warn(w);
  ctx.emitJson({ store, ...summary, classNames: model.classNames, collapse });
  printFitSummary(summary, model.classNames, ctx);
  if (collapse !== null) printCollapseReport(collapse, model.classNames, ctx);
  ctx.print(`saved to ${store}/dualda; next: dualxda explain ${options.store} --text "..."`);
}
