/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures and results whose shape they assert */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing.js';
import { parseRopeConfig } from './rope-config.js';
import { ropeCosSin, ropeInverseFrequencies } from './rope-frequencies.js';

interface RopeCase {
  name: string;
  config: Record<string, unknown>;
  seq_len: number | null;
  inv_freq: number[];
  attention_scaling: number;
  positions: number[];
  cos: number[];
  sin: number[];
}

// tools/fixtures/model/make-rope-reference.py: torch float32, transformers' RoPE rules.
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'rope-reference.json'), 'utf8')) as { cases: RopeCase[] };

describe.each(fixture.cases.map((c) => [c.name, c] as const))('RoPE %s matches the torch reference', (_name, c) => {
  const rope = parseRopeConfig(c.config);

  it('inv_freq and attention scaling', () => {
    const { invFreq, attentionScaling } = ropeInverseFrequencies(rope, c.seq_len ?? 0);
    expectClose(invFreq, c.inv_freq, { rtol: 2e-6, atol: 0 });
    expect(attentionScaling).toBeCloseTo(c.attention_scaling, 12);
  });

  it('cos/sin rows', () => {
    const T = c.seq_len ?? Math.max(...c.positions) + 1;
    const { cos, sin, dim } = ropeCosSin(rope, Math.max(T, Math.max(...c.positions) + 1));
    const pick = (a: Float32Array) => c.positions.flatMap((p) => Array.from(a.subarray(p * dim, (p + 1) * dim)));
    // float32 angles up to t·f ≈ 127: one ulp of the angle is ~8e-6.
    expectClose(pick(cos), c.cos, { rtol: 0, atol: 2e-5 });
    expectClose(pick(sin), c.sin, { rtol: 0, atol: 2e-5 });
  });
});

describe('ropeInverseFrequencies', () => {
  const base = { hidden_size: 64, num_attention_heads: 4, max_position_embeddings: 32 };

  it('dynamic equals default up to max_position_embeddings and grows θ past it', () => {
    const dyn = parseRopeConfig({ ...base, rope_scaling: { type: 'dynamic', factor: 2 } });
    const plain = ropeInverseFrequencies(parseRopeConfig(base)).invFreq;
    expect(ropeInverseFrequencies(dyn, 32).invFreq).toEqual(plain);
    const grown = ropeInverseFrequencies(dyn, 64).invFreq;
    expect(grown[0]).toBe(1);
    expect(grown[7]!).toBeLessThan(plain[7]!);
  });

  it('linear divides every frequency by the factor', () => {
    const plain = ropeInverseFrequencies(parseRopeConfig(base)).invFreq;
    const lin = ropeInverseFrequencies(parseRopeConfig({ ...base, rope_scaling: { type: 'linear', factor: 4 } })).invFreq;
    expectClose(lin, Array.from(plain, (f) => f / 4), { rtol: 1e-7 });
  });
});
