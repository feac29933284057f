/**
 * The demo's "Are the explanations about the input?" section: the collapse report of the fitted
 * model (docs/attribution.md "Collapse alarm"), kept apart from the heatmap printing in index.ts.
 */
import type { CollapseReport, DualDAModel, ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { readCollapseReport } from '../../lib/collapse-file.js';
import { collapseLines } from '../../lib/collapse-text.js';
import { recordCollapseReport } from '../../steps/fit-model.js';

/** The report `fit` recorded; for a reused model without one, computed and recorded now. */
export async function demoCollapseReport(trainStore: string, model: DualDAModel, train: ZarrFeatureStore, ctx: RunContext): Promise<CollapseReport | null> {
  const recorded = await readCollapseReport(trainStore).catch(() => undefined);
  return recorded ?? recordCollapseReport(trainStore, model, train, ctx);
}

/** Prints the section (stdout; under --json the report is in the JSON document instead). */
export function printCollapseSection(report: CollapseReport | null, classNames: readonly string[], ctx: RunContext): void {
  ctx.print('--- Are the explanations about the input? ---');
  if (report === null) {
    ctx.print('  not measured (see the warning above)');
    return;
  }
  const v = report.verdict;
  if (v.level === 'instance') {
    ctx.print('  Yes: different e-mails get different proponents, and the features spread over many directions.');
  } else {
    ctx.print(`  No: ${v.warning ?? ''}`);
  }
  for (const line of collapseLines(report, classNames)) ctx.print(line);
}
