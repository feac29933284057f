import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/xda public api', () => {
  it('exports exactly the curated names', () => {
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "ALL_RULES",
        "ARCHITECTURES",
        "DEFAULT_EXPLAIN_PAIR_OPTIONS",
        "DEFAULT_TOKEN_DELETION_OPTIONS",
        "ModelWeightsError",
        "OP_NAMES",
        "UNSUPPORTED_OPS",
        "UnsupportedOpError",
        "applyOp",
        "createExecutionContext",
        "createXdaModel",
        "evaluateTokenDeletion",
        "explainPair",
        "explainPrediction",
        "explainTopK",
        "extractFeatures",
        "getRule",
        "isXdaError",
        "registerAllRules",
        "registerRule",
        "registeredOps",
        "resolveExplainPairOptions",
        "unregisterRule",
        "useXdaBackend",
      ]
    `);
  });
});
