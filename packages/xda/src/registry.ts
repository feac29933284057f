/**
 * Relevance-rule registry keyed by op name (tfjs gradient-registry style). A rule works in the
 * gradient×input form of AttnLRP: it maps the incoming modified gradient G_out = R_out / y to one
 * modified gradient per input, so that relevance at any tensor is `x ⊙ G`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { OpAttrsMap, OpName } from './op-names.js';

/** `attnlrp`: AttnLRP (LXT efficient). `cp-lrp`: no relevance through attention scores and gates. */
export type RuleVariant = 'attnlrp' | 'cp-lrp';

/** What a rule may read in its backward. */
export interface RuleContext {
  variant: RuleVariant;
  /** ε of the linear-layer ε-rule (0 = LRP-0, the plain gradient). */
  epsilon: number;
}

/**
 * Where relevance that a rule keeps (does not pass to its inputs) goes; the categories of the XDA
 * budget. `positionEmbeddings`: constants added to the input (BERT position + token-type
 * embeddings); `softmax`: the softmax rule's Taylor remainder (and, under CP-LRP, whatever reaches
 * the detached attention scores); `normalisation`: LayerNorm's β; `biases`: linear-layer biases;
 * `stabiliser`: the share kept by the ε of the ε-rule and of the identity rule.
 */
export type AbsorbedPlace = 'positionEmbeddings' | 'softmax' | 'normalisation' | 'biases' | 'stabiliser';

/** Every `AbsorbedPlace`, in display order. */
export const ABSORBED_PLACES: readonly AbsorbedPlace[] = Object.freeze(['positionEmbeddings', 'softmax', 'normalisation', 'biases', 'stabiliser']);

export interface SavedTensors {
  inputs: tf.Tensor[];
  output: tf.Tensor;
}

export interface RuleConfig<K extends OpName = OpName> {
  op: K;
  /** One line: which LRP rule this is (shown in docs and errors). */
  description: string;
  /**
   * True when Σ x⊙G_in = Σ y⊙G_out exactly for this variant (no bias, no absorption); the rule
   * tests assert it. Non-conservative rules report the difference to the relevance ledger.
   */
  conservative: (variant: RuleVariant) => boolean;
  /** Modified gradients, one per input; `null` means "no relevance flows to this input". */
  relevance(gOut: tf.Tensor, saved: SavedTensors, attrs: OpAttrsMap[K], ctx: RuleContext): (tf.Tensor | null)[];
  /**
   * The relevance this rule keeps, stated from forward quantities and the incoming G (a bias times
   * G, the softmax's Taylor remainder (y − J x) ⊙ G, the ε share), per place; a tensor's sum over
   * the non-batch axes is one row's share. It is computed apart from `relevance`, so
   * "token relevance + Σ absorbed = target" fails when a rule does not pass on what it states.
   * Omitted when the rule keeps nothing.
   */
  absorbed?(gOut: tf.Tensor, saved: SavedTensors, attrs: OpAttrsMap[K], ctx: RuleContext): Partial<Record<AbsorbedPlace, tf.Tensor>>;
}

const RULES = new Map<OpName, RuleConfig>();

/** Registers a rule; warns when it replaces another one for the same op. */
export function registerRule<K extends OpName>(rule: RuleConfig<K>): void {
  if (RULES.has(rule.op)) console.warn(`@dualxda/xda: rule for ${rule.op} overridden`);
  RULES.set(rule.op, rule as unknown as RuleConfig);
}

/** Removes a rule; warns when there was none. */
export function unregisterRule(op: OpName): void {
  if (!RULES.delete(op)) console.warn(`@dualxda/xda: no rule for ${op} to unregister`);
}

/** The registered rule of an op, or undefined. */
export function getRule<K extends OpName>(op: K): RuleConfig<K> | undefined {
  return RULES.get(op) as RuleConfig<K> | undefined;
}

/** Op names that currently have a rule. */
export function registeredOps(): OpName[] {
  return [...RULES.keys()];
}
