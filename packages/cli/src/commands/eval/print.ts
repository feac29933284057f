import type { RunContext } from '../../context.js';
import { formatPercent } from '../../lib/text.js';
import type { AgreementFigures } from '../../steps/downstream-metrics.js';
import type { MislabelingFigures, ShortcutFigures } from '../../steps/planted-metrics.js';
import type { XdaDeletionFigures } from '../../steps/xda-deletion.js';

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : String(v));

/** Text report of `xda-deletion`: one table per side, relevance order vs random order. */
export function printXdaDeletion(r: XdaDeletionFigures, ctx: RunContext): void {
  ctx.print(`xda-deletion over ${r.pairs} pairs of ${r.testRows} sampled test rows (${r.mode} heatmaps, tokens ${r.deletion === 'pad' ? 'replaced by [PAD]' : 'removed'}, ${r.randomDraws} random orders per pair)`);
  ctx.print('  mean relative drop of alpha x <f(test), f(train)> after deleting k tokens (1 = score gone):');
  ctx.print(`    ${'k'.padEnd(22)}${r.ks.map((k) => String(k).padStart(8)).join('')}    area`);
  for (const side of ['test', 'train'] as const) {
    const s = r[side];
    ctx.print(`    ${`${side} side, relevance`.padEnd(22)}${s.relevance.mean.map((v) => f3(v).padStart(8)).join('')}  ${f3(s.relevance.area).padStart(6)}`);
    ctx.print(`    ${`${side} side, random`.padEnd(22)}${s.random.mean.map((v) => f3(v).padStart(8)).join('')}  ${f3(s.random.area).padStart(6)}`);
  }
  for (const side of ['test', 'train'] as const) {
    const s = r[side];
    const d = s.areaDifference;
    const verdict = !Number.isFinite(d) ? 'no pairs' : d > 0 ? 'the heatmap finds tokens that matter more than chance' : 'no better than random tokens';
    ctx.print(`  ${side} side: area difference ${f3(d)} (${verdict}); median curves: area ${f3(s.relevance.medianArea)} vs ${f3(s.random.medianArea)}${s.skipped > 0 ? `; ${s.skipped} pairs skipped` : ''}`);
  }
  ctx.print(`  median |token sum| / |attribution|: test ${f3(r.medianTokenShare.test)}, train ${f3(r.medianTokenShare.train)}`);
}

/** Text report of `identical-class` / `identical-subclass`. */
export function printAgreement(kind: 'class' | 'subclass', a: AgreementFigures, ctx: RunContext): void {
  const what = kind === 'class' ? 'have the predicted class' : "come from the test row's own corpus group";
  ctx.print(`identical-${kind} over ${a.testRows} test rows: ${formatPercent(a.score)} of the top-${a.k} training rows ${what} (top-1: ${formatPercent(a.top1)}; random ${kind === 'class' ? 'rows' : 'rows of the predicted class'}: ${formatPercent(a.chance)})`);
  if (a.perGroup !== undefined) {
    for (const [g, e] of Object.entries(a.perGroup).sort(([x], [y]) => x.localeCompare(y))) ctx.print(`  ${(g || '(no group)').padEnd(14)} ${String(e.rows).padStart(5)} test rows  ${formatPercent(e.score)}`);
  }
}

/** Text report of `mislabeling`. */
export function printMislabeling(m: MislabelingFigures, ctx: RunContext): void {
  ctx.print(`mislabeling: ${m.corrupted} of ${m.trainRows} training labels flipped; self-influence ranking AUPRC ${f3(m.auprc)} (random ${f3(m.randomAuprc)}), ${formatPercent(m.precisionAtCorrupted)} of the top ${m.corrupted} are flipped rows; normalised AUC ${f3(m.auc)}, quanda score ${f3(m.quanda)}`);
}

/** Text report of `shortcut`. */
export function printShortcut(s: ShortcutFigures, ctx: RunContext): void {
  ctx.print(`shortcut (class ${s.shortcutClass}): ${s.markedTrain} planted training rows; ${s.flipped} of ${s.markedTest} planted test rows of another class are predicted ${s.shortcutClass} (${formatPercent(s.flipRate)})`);
  ctx.print(`  mean AUPRC of their attributions for the planted rows ${f3(s.score)} (random ${f3(s.randomAuprc)}); top-1 proponent planted for ${formatPercent(s.top1Hit)}`);
}
