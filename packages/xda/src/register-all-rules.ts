/**
 * The explicit list of relevance rules; importing this module registers them (the package's one
 * side-effect module, like tfjs `register_all_gradients`).
 */
import { registerRule, getRule } from './registry.js';
import type { RuleConfig } from './registry.js';
import type { OpName } from './op-names.js';
import { addConstantRule } from './rules/add-constant.js';
import { addRule } from './rules/add.js';
import { gatedProductRule } from './rules/gated-product.js';
import { geluRule } from './rules/gelu.js';
import { geluTanhRule } from './rules/gelu-tanh.js';
import { layerNormRule } from './rules/layer-norm.js';
import { linearRule } from './rules/linear.js';
import { matMulAVRule } from './rules/matmul-av.js';
import { matMulQKRule } from './rules/matmul-qk.js';
import { rmsNormRule } from './rules/rms-norm.js';
import { siluRule } from './rules/silu.js';
import { softmaxRule } from './rules/softmax.js';
import { reluRule } from './rules/relu.js';
import { tanhRule } from './rules/tanh.js';

export const ALL_RULES: readonly RuleConfig<OpName>[] = [
  linearRule, addRule, addConstantRule, layerNormRule, rmsNormRule, geluRule, geluTanhRule, siluRule, tanhRule, reluRule,
  softmaxRule, matMulQKRule, matMulAVRule, gatedProductRule,
] as unknown as readonly RuleConfig<OpName>[];

/** Registers every rule of `ALL_RULES` that is not registered yet (idempotent, no override warnings). */
export function registerAllRules(): void {
  for (const rule of ALL_RULES) if (getRule(rule.op) === undefined) registerRule(rule);
}

registerAllRules();
