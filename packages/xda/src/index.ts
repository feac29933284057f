/**
 * @dualxda/xda: XDA, i.e. LRP / AttnLRP token heatmaps for a (test, train) pair of a BERT or Llama
 * classifier, starting from the DualDA kernel term α·⟨f(test), f(train)⟩ on both inputs: each side's
 * token relevance plus what the rules keep (softmax remainder, biases, LayerNorm β, position
 * embeddings in `word` mode) sums to it. Built on @tensorflow/tfjs custom gradients
 * (gradient×input form); rules are registered by op name.
 *
 * @example
 * import { readSafetensors } from '@dualxda/core';
 * import { budgetShares, createXdaModel, explainPair, useXdaBackend } from '@dualxda/xda';
 * await useXdaBackend('cpu');
 * const model = createXdaModel(await readSafetensors('tiny-bert/model.safetensors'), config);
 * const pair = explainPair(model, { ids: testIds, tokens: testTokens }, { ids: trainIds }, { alpha: 0.2 });
 * pair.test?.relevance; // one value per test token (per-position mode)
 * pair.test?.tokenSum; // + Σ pair.test.absorbed = pair.attribution, up to pair.test.residual
 * budgetShares(pair);  // { test, train }: tokenSum / attribution per side
 */
export { useXdaBackend } from './backend.js';
export type { XdaBackend } from './backend.js';
export { UnsupportedOpError, ModelWeightsError, isXdaError } from './errors.js';
export { OP_NAMES } from './op-names.js';
export type { OpName, OpAttrsMap } from './op-names.js';
export { registerRule, unregisterRule, getRule, registeredOps } from './registry.js';
export { ABSORBED_PLACES } from './registry.js';
export type { AbsorbedPlace, RuleConfig, RuleContext, RuleVariant, SavedTensors } from './registry.js';
export { ALL_RULES, registerAllRules } from './register-all-rules.js';
export { UNSUPPORTED_OPS } from './unsupported-ops.js';
export { applyOp, createExecutionContext } from './engine.js';
export type { ExecutionContext } from './engine.js';
export { ARCHITECTURES, createXdaModel } from './models/registry.js';
export type { ArchitectureDescriptor } from './models/registry.js';
export { RESIDENT_LINEAR_MIN_BYTES, resolveLinearPlacement } from './models/linear-weights.js';
export type { LinearPlacement, XdaModelOptions } from './models/linear-weights.js';
export type { HeadAttrs, HfConfig, ModelInput, WeightEntry, WeightMap, XdaModel } from './models/types.js';
export { forwardBatch } from './models/forward-batch.js';
export type { ForwardBatchInput, ForwardBatchOutput } from './models/forward-batch.js';
export { DEFAULT_EXPLAIN_PAIR_OPTIONS, LAYERWISE_MIN_ACTIVATION_BYTES, resolveExplainPairOptions } from './explain/options.js';
export type { ExplainOptions, ExplainPairOptions, RelevanceMode, ResolvedExplainPairOptions } from './explain/options.js';
export { explainPair, explainTopK } from './explain/explain-pair.js';
export type { ExplainTopKOptions, PairExplanation } from './explain/explain-pair.js';
export { explainPrediction } from './explain/explain-prediction.js';
export type { ExplainPredictionOptions, PredictionExplanation } from './explain/explain-prediction.js';
export { extractFeatures } from './explain/propagate.js';
export { DEFAULT_TOKEN_DELETION_OPTIONS, evaluateTokenDeletion } from './explain/token-deletion.js';
export type { TokenDeletionOptions, TokenDeletionResult } from './explain/token-deletion.js';
export type { AbsorbedRelevance, TokenRelevance } from './explain/propagate.js';
export { ABSORBED_PLACE_LABELS, DEFAULT_MIN_TOKEN_SHARE, budgetShares, budgetWarning, tokenShare } from './explain/budget.js';
export type { BudgetShares } from './explain/budget.js';
