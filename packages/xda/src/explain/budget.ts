/**
 * How much of the explained score a heatmap's tokens carry. The tokens of an XDA side sum to the
 * pair's attribution only up to what the rules keep (softmax remainder, biases, LayerNorm β, and
 * the position embeddings in `word` mode), and that share varies from pair to pair.
 */
import { ABSORBED_PLACES } from '../registry.js';
import type { AbsorbedPlace } from '../registry.js';
import type { PairExplanation } from './explain-pair.js';
import type { TokenRelevance } from './propagate.js';

/** Signed tokenSum / target per side; null when the side was not computed or its target is 0. */
export interface BudgetShares {
  test: number | null;
  train: number | null;
}

/** Below this |share| (or with the opposite sign) `budgetWarning` speaks up. */
export const DEFAULT_MIN_TOKEN_SHARE = 0.5;

/** Plain names of the absorbed places (for messages and tables). */
export const ABSORBED_PLACE_LABELS: Readonly<Record<AbsorbedPlace, string>> = Object.freeze({
  positionEmbeddings: 'position/type embeddings',
  softmax: 'softmax remainder',
  normalisation: 'LayerNorm β',
  biases: 'biases',
  stabiliser: 'ε stabiliser',
});

/** tokenSum / target of one side (null when the target is 0: nothing to decompose). */
export function tokenShare(side: Pick<TokenRelevance, 'tokenSum' | 'target'> | undefined): number | null {
  if (side === undefined || side.target === 0 || !Number.isFinite(side.target)) return null;
  return side.tokenSum / side.target;
}

/**
 * The share of the pair's attribution that each side's tokens carry (signed: negative means the
 * tokens sum to the opposite sign of the attribution).
 *
 * @example
 * const { test, train } = budgetShares(explainPair(model, testInput, trainInput, { alpha }));
 * // test = 0.8: the test tokens sum to 80% of α·⟨f_test, f_train⟩
 */
export function budgetShares(pair: Pick<PairExplanation, 'test' | 'train'>): BudgetShares {
  return { test: tokenShare(pair.test), train: tokenShare(pair.train) };
}

/**
 * A plain warning line when a side's tokens carry less than `minShare` of its target or the
 * opposite sign; undefined when the heatmap is a fair decomposition.
 *
 * @example
 * const w = budgetWarning('train', pair.train, 'attribution'); // "the train-side tokens sum to 23% ..."
 */
export function budgetWarning(sideName: string, side: Pick<TokenRelevance, 'tokenSum' | 'target' | 'absorbed'> | undefined, what = 'attribution', minShare = DEFAULT_MIN_TOKEN_SHARE): string | undefined {
  const share = tokenShare(side);
  if (share === null || side === undefined || (share >= minShare)) return undefined;
  const places = ABSORBED_PLACES.filter((p) => Math.abs(side.absorbed[p]) >= 0.05 * Math.abs(side.target))
    .sort((a, b) => Math.abs(side.absorbed[b]) - Math.abs(side.absorbed[a]))
    .map((p) => `${ABSORBED_PLACE_LABELS[p]} ${percent(side.absorbed[p] / side.target)}`);
  const rest = places.length === 0 ? '' : `; the rest sits in ${places.join(', ')}`;
  const head = share < 0
    ? `the ${sideName}-side tokens sum to ${percent(share)} of the ${what}, the opposite sign`
    : `the ${sideName}-side tokens carry only ${percent(share)} of the ${what}`;
  return `${head}${rest}: read this heatmap as a ranking of tokens, not as a split of the score`;
}

function percent(x: number): string {
  return `${Math.trunc(100 * x)}%`;
}
