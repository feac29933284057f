/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyOp, createExecutionContext } from './engine.js';
import { UnsupportedOpError } from './errors.js';
import { OP_NAMES } from './op-names.js';
import { ALL_RULES, registerAllRules } from './register-all-rules.js';
import { getRule, registerRule, registeredOps, unregisterRule } from './registry.js';
import { UNSUPPORTED_OPS } from './unsupported-ops.js';
import { createXdaModel } from './models/registry.js';
import { padBatch } from './models/weights.js';
import { TINY_BERT_CONFIG, TINY_LLAMA_CONFIG, tinyBertWeights, tinyLlamaWeights } from '../test/random-models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  registerAllRules();
  vi.restoreAllMocks();
});

describe('rule registry', () => {
  it('every declared op has a rule or is on the explicit UNSUPPORTED_OPS list (not both)', () => {
    for (const op of OP_NAMES) {
      const ruled = getRule(op) !== undefined;
      expect({ op, covered: ruled !== Object.hasOwn(UNSUPPORTED_OPS, op) }).toEqual({ op, covered: true });
    }
    expect(new Set(registeredOps())).toEqual(new Set(ALL_RULES.map((r) => r.op)));
  });

  it.each([
    ['bert', TINY_BERT_CONFIG, tinyBertWeights()],
    ['llama', TINY_LLAMA_CONFIG, tinyLlamaWeights()],
  ] as const)('every op the %s forward executes is ruled or listed with a reason', (_n, config, weights) => {
    const model = createXdaModel(weights, config);
    for (const variant of ['attnlrp', 'cp-lrp'] as const) {
      const ctx = createExecutionContext({ variant, grad: true });
      const batch = padBatch([{ ids: [1, 2, 3] }], model.vocabSize, model.maxPositions);
      tf.tidy(() => model.features(ctx, model.embed(batch), batch));
      expect(ctx.trace.size).toBeGreaterThan(5);
      for (const op of ctx.trace) expect(getRule(op) !== undefined || typeof UNSUPPORTED_OPS[op] === 'string').toBe(true);
    }
    model.dispose();
  });

  it('refuses an op that is listed as refused (Dropout) and an op whose rule was removed', () => {
    const ctx = createExecutionContext({ grad: true });
    const x = tf.ones([1, 2]);
    expect(() => applyOp(ctx, 'Dropout', [x], {})).toThrow(UnsupportedOpError);
    unregisterRule('Gelu');
    expect(() => applyOp(ctx, 'Gelu', [x], {})).toThrow(/op Gelu: no relevance rule/);
  });

  it('warns when a rule is overridden or a missing rule is unregistered', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerRule(getRule('Tanh')!);
    unregisterRule('Dropout');
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      '@dualxda/xda: rule for Tanh overridden',
      '@dualxda/xda: no rule for Dropout to unregister',
    ]);
  });
});
