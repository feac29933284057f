import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/xda public api', () => {
  it('exports exactly the curated names', () => {
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "ABSORBED_PLACES",
        "ABSORBED_PLACE_LABELS",
        "ALL_RULES",
        "ARCHITECTURES",
        "DEFAULT_EXPLAIN_PAIR_OPTIONS",
        "DEFAULT_MIN_TOKEN_SHARE",
        "DEFAULT_TOKEN_DELETION_OPTIONS",
        "LAYERWISE_MIN_ACTIVATION_BYTES",
        "ModelWeightsError",
        "OP_NAMES",
        "RESIDENT_LINEAR_MIN_BYTES",
        "UNSUPPORTED_OPS",
        "UnsupportedOpError",
        "applyOp",
        "budgetShares",
        "budgetWarning",
        "createExecutionContext",
        "createXdaModel",
        "evaluateTokenDeletion",
        "explainPair",
        "explainPrediction",
        "explainTopK",
        "extractFeatures",
        "forwardBatch",
        "getRule",
        "isXdaError",
        "registerAllRules",
        "registerRule",
        "registeredOps",
        "resolveExplainPairOptions",
        "resolveLinearPlacement",
        "tokenShare",
        "unregisterRule",
        "useXdaBackend",
      ]
    `);
  });
});
