/**
 * The budget lines printed next to every XDA heatmap (CLI text, HTML, demo): the score both
 * heatmaps start from, how much of it each side's tokens carry, where the rest went, the residual.
 */
import type { XdaPair, XdaSideBudget } from '@dualxda/core';
import { ABSORBED_PLACE_LABELS, ABSORBED_PLACES } from '@dualxda/xda';
import { NOT_SUPPORT_VECTOR_NOTE } from '../steps/pair-alpha.js';
import { formatScore } from './text.js';

/** What `budgetLines` reads (an `XdaPairResult` or an `/api/xda` answer). */
export type BudgetView = Pick<XdaPair, 'mode' | 'attribution' | 'kernel' | 'decomposes' | 'explained' | 'budget' | 'notes'>;

/** `79%`, or `-` when the share is undefined (explained value 0). */
export function formatShare(share: number | null): string {
  return share === null ? '-' : `${Math.trunc(100 * share)}%`;
}

/** Below this fraction of |explained| an absorbed value is float rounding and not printed (`--json` has all). */
export const ROUNDING = 1e-5;

/** `softmax remainder +0.0812, biases +0.0100, …`: absorbed places above rounding, largest first. */
export function formatAbsorbed(side: XdaSideBudget, explained: number): string {
  const parts = ABSORBED_PLACES.map((p) => [p, side.absorbed[p]] as const)
    .filter(([, v]) => v !== 0 && Math.abs(v) >= ROUNDING * Math.abs(explained))
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .map(([p, v]) => `${ABSORBED_PLACE_LABELS[p]} ${formatScore(v)}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/** What the heatmaps split, in words. */
export function explainedLabel(b: BudgetView): string {
  return b.decomposes === 'kernel' ? `kernel <f(test), f(train)> ${formatScore(b.explained)} (kernel-only heatmaps)` : `attribution ${formatScore(b.explained)}`;
}

/**
 * The budget as plain lines, e.g.
 * `budget (per-position): attribution +0.5200; test tokens +0.4100 (79%), train tokens +0.1300 (25%)`,
 * one `absorbed` line per side with its residual, then `note:`/`warning:` lines.
 */
export function budgetLines(b: BudgetView): string[] {
  const lines = [
    `budget (${b.mode} relevance): ${explainedLabel(b)}; test tokens ${formatScore(b.budget.test.tokenSum)} (${formatShare(b.budget.test.share)}), train tokens ${formatScore(b.budget.train.tokenSum)} (${formatShare(b.budget.train.share)})`,
  ];
  for (const side of ['test', 'train'] as const) {
    const s = b.budget[side];
    lines.push(`  absorbed (${side}): ${formatAbsorbed(s, b.explained)}; residual ${s.residual.toExponential(1)}`);
  }
  for (const n of b.notes) lines.push(`${n === NOT_SUPPORT_VECTOR_NOTE ? 'note' : 'warning'}: ${n}`);
  return lines;
}
