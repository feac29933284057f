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
