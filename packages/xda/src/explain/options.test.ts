import { describe, expect, it } from 'vitest';
import { isDualxdaError } from '@dualxda/core';
import { DEFAULT_EXPLAIN_PAIR_OPTIONS, resolveExplainPairOptions } from './options.js';

describe('resolveExplainPairOptions', () => {
  it('fills the documented defaults (variant attnlrp, epsilon 0, mode per-position, layerwise auto, alpha 1, side both)', () => {
    expect(DEFAULT_EXPLAIN_PAIR_OPTIONS).toEqual({ variant: 'attnlrp', epsilon: 0, mode: 'per-position', layerwise: 'auto', alpha: 1, side: 'both' });
    expect(resolveExplainPairOptions()).toEqual(DEFAULT_EXPLAIN_PAIR_OPTIONS);
    expect(resolveExplainPairOptions({ alpha: undefined, side: 'test' })).toEqual({ ...DEFAULT_EXPLAIN_PAIR_OPTIONS, side: 'test' });
  });

  it.each([
    [{ variant: 'lrp' }, /option variant/],
    [{ epsilon: -1 }, /option epsilon/],
    [{ epsilon: Number.NaN }, /option epsilon/],
    [{ alpha: Number.POSITIVE_INFINITY }, /option alpha/],
    [{ side: 'left' }, /option side/],
    [{ mode: 'position' }, /option mode/],
    [{ layerwise: 'sometimes' }, /option layerwise/],
  ])('rejects %j naming the option', (opts, msg) => {
    let err: unknown;
    try {
      resolveExplainPairOptions(opts as never);
    } catch (e) {
      err = e;
    }
    expect(isDualxdaError(err, 'InvalidOptionError')).toBe(true);
    expect(String(err)).toMatch(msg);
  });
});
