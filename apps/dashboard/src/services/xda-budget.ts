/**
 * What the XDA page says about a pair's budget: the score the heatmaps split, each side's token
 * sum and its share, where the rest was absorbed, and the colour scale both sides share.
 */
import type { XdaAbsorbed, XdaResponse, XdaSideBudget } from '../lib/api-types.js';
import { formatScore } from './format.js';
import { maxAbs } from './heatmap-colors.js';
import { isSpecialToken } from './wordpiece-merge.js';

/** Plain names of the absorbed places, in display order (as the CLI prints them). */
export const ABSORBED_LABELS: Readonly<Record<keyof XdaAbsorbed, string>> = Object.freeze({
  positionEmbeddings: 'position/type embeddings',
  softmax: 'softmax remainder',
  normalisation: 'LayerNorm β',
  biases: 'biases',
  stabiliser: 'ε stabiliser',
});

/** `79%`, or `–` when undefined (the explained value is 0). */
export function formatShare(share: number | null): string {
  return share === null ? '–' : `${Math.trunc(100 * share)}%`;
}

/** Below this fraction of |explained| an absorbed value is float rounding and not listed. */
export const ROUNDING = 1e-5;

/** Absorbed places above rounding (relative to the explained value), largest |value| first. */
export function absorbedParts(side: XdaSideBudget, explained: number): { label: string; value: number }[] {
  return (Object.keys(ABSORBED_LABELS) as (keyof XdaAbsorbed)[])
    .map((k) => ({ label: ABSORBED_LABELS[k], value: side.absorbed[k] }))
    .filter((p) => p.value !== 0 && Math.abs(p.value) >= ROUNDING * Math.abs(explained))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/** One sentence: what both heatmaps split, and why it may not be an attribution. */
export function explainedCaption(r: Pick<XdaResponse, 'decomposes' | 'explained' | 'attribution' | 'alpha' | 'kernel' | 'supportVector'>): string {
  if (!r.supportVector || r.decomposes === 'kernel') {
    return `not a support vector: attribution 0. Kernel-only heatmaps: they split ⟨f(test), f(train)⟩ = ${formatScore(r.kernel)} (α = 1), what the texts share, not a reason for the prediction.`;
  }
  return `The heatmaps split the attribution α·⟨f(test), f(train)⟩ = ${formatScore(r.alpha)} × ${formatScore(r.kernel)} = ${formatScore(r.attribution)}.`;
}

function contentMaxAbs(map: { tokens: readonly string[]; scores: readonly number[] }): number {
  return maxAbs(map.scores.filter((_, i) => !isSpecialToken(map.tokens[i] ?? '')));
}

/** One side's own colour scale: its content tokens' largest |relevance| (all tokens' when that is 0). */
export function sideScale(map: { tokens: readonly string[]; scores: readonly number[] }): number {
  const content = contentMaxAbs(map);
  return content > 0 ? content : maxAbs(map.scores);
}

/**
 * One colour scale for both sides, so equal colours mean equal relevance across the pair. It is
 * the largest |relevance| of the content tokens: [CLS] and [SEP] collect what every input shares
 * and would wash out the words, so their colour saturates instead (their value shows on hover).
 */
export function sharedScale(r: { test: { tokens: readonly string[]; scores: readonly number[] }; train: { tokens: readonly string[]; scores: readonly number[] } }): number {
  const content = Math.max(contentMaxAbs(r.test), contentMaxAbs(r.train));
  return content > 0 ? content : Math.max(maxAbs(r.test.scores), maxAbs(r.train.scores));
}
