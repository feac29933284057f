/**
 * Labels, predictions and candidate sets in words. A candidate-set model (`dualxda fit --classes`,
 * e.g. an LM head whose store classes are the vocabulary) predicts one of `summary.classNames`
 * (K); a training or test label outside that set has an index ≥ K into `summary.labelNames`
 * (docs/dashboard.md, "Candidate-set models and token rows").
 */
import type { Summary } from '../lib/api-types.js';

/** Names that `label` fields index: `labelNames` when the server sends them, else the classes. */
export function labelNamesOf(summary: Pick<Summary, 'classNames' | 'labelNames'>): string[] {
  return summary.labelNames ?? summary.classNames;
}

/** True when `label` is a store class outside the model's candidate set. */
export function isOutsideLabel(summary: Pick<Summary, 'classNames'>, label: number): boolean {
  return label >= summary.classNames.length;
}

/** Who the test rows' predictions come from: the network, or the surrogate when the test store keeps no logits. */
export function predictorOf(summary: Pick<Summary, 'predictedBy'>): 'model' | 'surrogate' {
  return summary.predictedBy ?? 'model';
}

/**
 * One sentence on the candidate set for the overview, or null for an ordinary model.
 *
 * @example
 * candidateSetLine(summary); // "Candidate set top:20: 20 of 108 store classes. 246 training rows …"
 */
export function candidateSetLine(summary: Pick<Summary, 'candidateSet'>): string | null {
  const c = summary.candidateSet;
  if (c === undefined) return null;
  const rows = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what} row${n === 1 ? '' : 's'}`;
  return (
    `Candidate set ${c.rule}: the model predicts ${c.classIds.length.toLocaleString('en-US')} of ${c.storeClasses.toLocaleString('en-US')} store classes. ` +
    `${rows(c.trainRowsOutside, 'training')} with a label outside it were left out of the fit; ` +
    `${rows(c.testRowsOutside, 'test')} ${c.testRowsOutside === 1 ? 'has' : 'have'} a gold label outside it (the surrogate cannot predict those; they count as misclassified).`
  );
}

/** The tokens of a token row's text cut around `position` (at most `before` earlier tokens), for display. */
export function contextWindow(context: { tokens: readonly string[]; position: number }, before = 40, after = 8): { lead: boolean; tokens: { text: string; at: boolean }[] } {
  const start = Math.max(0, context.position - before);
  const end = Math.min(context.tokens.length, context.position + 1 + after);
  return { lead: start > 0, tokens: context.tokens.slice(start, end).map((text, i) => ({ text, at: start + i === context.position })) };
}
