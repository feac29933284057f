import { InvalidOptionError } from '@dualxda/core';
import type { RuleVariant } from '../registry.js';

/**
 * Which relevance counts as a token's. `per-position`: the relevance reaching the position's summed
 * input embedding (word + position + token-type embedding: the input of BERT's embedding
 * LayerNorm; Llama has no absolute positions, so there it is the word embedding), so position and
 * type embeddings absorb nothing. `word`: only the word-embedding share (LXT's convention); the
 * position/type embeddings' share is reported as absorbed (`absorbed.positionEmbeddings`).
 */
export type RelevanceMode = 'per-position' | 'word';

/** Options shared by every explanation. */
export interface ExplainOptions {
  /** Rule set: `attnlrp` (AttnLRP) or `cp-lrp` (no relevance through attention scores / gates). @default 'attnlrp' */
  variant?: RuleVariant;
  /** ε of the linear-layer ε-rule; 0 is LRP-0 (the plain gradient, as LXT's efficient AttnLRP). @default 0 */
  epsilon?: number;
  /** What a token's relevance is (see `RelevanceMode`). @default 'per-position' */
  mode?: RelevanceMode;
  /**
   * Propagate relevance one layer at a time (forward without a tape, then each layer's forward
   * and backward again, holding one layer's activations; ~1.3× the time) instead of one pass
   * that holds every layer's. `auto`: when the model can (`XdaModel.stages`) and the one-shot pass
   * would hold over `LAYERWISE_MIN_ACTIVATION_BYTES`. Same heatmaps either way. @default 'auto'
   */
  layerwise?: 'auto' | 'always' | 'never';
}

/** `layerwise: 'auto'` switches to layer-by-layer propagation past this estimated activation size. */
export const LAYERWISE_MIN_ACTIVATION_BYTES = 512 * 2 ** 20;

export interface ExplainPairOptions extends ExplainOptions {
  /** Dual coefficient α[i, c] scaling the initial relevance (its sign flips the maps). @default 1 */
  alpha?: number;
  /** Which heatmaps to compute. @default 'both' */
  side?: 'both' | 'test' | 'train';
}

export interface ResolvedExplainPairOptions {
  variant: RuleVariant;
  epsilon: number;
  mode: RelevanceMode;
  layerwise: 'auto' | 'always' | 'never';
  alpha: number;
  side: 'both' | 'test' | 'train';
}

/** The documented defaults of `ExplainPairOptions` (one place; the JSDoc refers here). */
export const DEFAULT_EXPLAIN_PAIR_OPTIONS: Readonly<ResolvedExplainPairOptions> = Object.freeze({
  variant: 'attnlrp',
  epsilon: 0,
  mode: 'per-position',
  layerwise: 'auto',
  alpha: 1,
  side: 'both',
});

/** Validates and fills in `ExplainPairOptions`; errors name the option. */
export function resolveExplainPairOptions(opts: ExplainPairOptions = {}): ResolvedExplainPairOptions {
  const r = { ...DEFAULT_EXPLAIN_PAIR_OPTIONS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  if (r.variant !== 'attnlrp' && r.variant !== 'cp-lrp') {
    throw new InvalidOptionError('variant', `expected "attnlrp" or "cp-lrp", got ${JSON.stringify(r.variant)}`);
  }
  if (typeof r.epsilon !== 'number' || !(r.epsilon >= 0) || !Number.isFinite(r.epsilon)) {
    throw new InvalidOptionError('epsilon', `expected a finite number >= 0, got ${String(r.epsilon)}`);
  }
  if (r.mode !== 'per-position' && r.mode !== 'word') {
    throw new InvalidOptionError('mode', `expected "per-position" or "word", got ${JSON.stringify(r.mode)}`);
  }
  if (r.layerwise !== 'auto' && r.layerwise !== 'always' && r.layerwise !== 'never') {
    throw new InvalidOptionError('layerwise', `expected "auto", "always" or "never", got ${JSON.stringify(r.layerwise)}`);
  }
  if (typeof r.alpha !== 'number' || !Number.isFinite(r.alpha)) {
    throw new InvalidOptionError('alpha', `expected a finite number, got ${String(r.alpha)}`);
  }
  if (r.side !== 'both' && r.side !== 'test' && r.side !== 'train') {
    throw new InvalidOptionError('side', `expected "both", "test" or "train", got ${JSON.stringify(r.side)}`);
  }
  return r as ResolvedExplainPairOptions;
}
