import { describe, expect, it } from 'vitest';
import { isDualxdaError } from '../errors.js';
import { HfConfigError, parseRopeConfig, SUPPORTED_ROPE_TYPES } from './rope-config.js';

const base = { hidden_size: 64, num_attention_heads: 4, max_position_embeddings: 128 };

describe('parseRopeConfig', () => {
  it('reads θ from transformers 5.x rope_parameters (not the 10000 default)', () => {
    const r = parseRopeConfig({ ...base, rope_parameters: { rope_type: 'default', rope_theta: 500000 } });
    expect(r).toMatchObject({ theta: 500000, headDim: 16, dim: 16, source: 'rope_parameters', scaling: { type: 'default' } });
  });

  it('reads 4.x top-level rope_theta + rope_scaling, legacy "type" key included', () => {
    expect(parseRopeConfig({ ...base, rope_theta: 1e6, rope_scaling: null })).toMatchObject({ theta: 1e6, source: 'rope_theta', scaling: { type: 'default' } });
    expect(parseRopeConfig({ ...base, rope_theta: 1e4, rope_scaling: { type: 'linear', factor: 2 } })).toMatchObject({ source: 'rope_scaling', scaling: { type: 'linear', factor: 2 } });
  });

  it('falls back to θ = 10000 only when no field names one, and says so in `source`', () => {
    expect(parseRopeConfig(base)).toMatchObject({ theta: 10000, source: 'none' });
  });

  it('takes head_dim when present and partial_rotary_factor from the top level first', () => {
    const r = parseRopeConfig({ ...base, head_dim: 32, partial_rotary_factor: 0.5, rope_parameters: { rope_theta: 1e4, partial_rotary_factor: 0.25 } });
    expect(r).toMatchObject({ headDim: 32, dim: 16, partialRotaryFactor: 0.5 });
  });

  it('llama3/yarn take original_max_position_embeddings from the top level, the dict, then max_position_embeddings', () => {
    const l3 = { rope_type: 'llama3', rope_theta: 5e5, factor: 8, low_freq_factor: 1, high_freq_factor: 4 };
    expect(parseRopeConfig({ ...base, rope_parameters: l3 }).scaling).toMatchObject({ originalMaxPositions: 128 });
    expect(parseRopeConfig({ ...base, rope_parameters: { ...l3, original_max_position_embeddings: 64 } }).scaling).toMatchObject({ originalMaxPositions: 64 });
    expect(parseRopeConfig({ ...base, original_max_position_embeddings: 32, rope_parameters: { ...l3, original_max_position_embeddings: 64 } }).scaling).toMatchObject({ originalMaxPositions: 32 });
  });

  it('yarn: default attention factor 0.1·ln(factor) + 1, factor from the context ratio when absent', () => {
    const y = parseRopeConfig({ ...base, rope_parameters: { rope_type: 'yarn', rope_theta: 1e4, original_max_position_embeddings: 32 } });
    expect(y.scaling).toMatchObject({ type: 'yarn', factor: 4, betaFast: 32, betaSlow: 1, truncate: true });
    expect(y.scaling.type === 'yarn' && y.scaling.attentionFactor).toBeCloseTo(0.1 * Math.log(4) + 1, 12);
  });

  it.each(['longrope', 'su', 'mrope', 'proportional'])('refuses rope_type "%s" by name, listing the supported ones', (type) => {
    const run = () => parseRopeConfig({ ...base, rope_scaling: { rope_type: type, factor: 2 } });
    expect(run).toThrow(HfConfigError);
    expect(run).toThrow(`config.json field "rope_scaling.rope_type": RoPE type "${type}" is not supported; supported: ${SUPPORTED_ROPE_TYPES.join(', ')}`);
  });

  it('refuses per-layer-type rope_parameters (Gemma 3 style)', () => {
    const cfg = { ...base, layer_types: ['full_attention', 'sliding_attention'], rope_parameters: { full_attention: { rope_theta: 1e6 }, sliding_attention: { rope_theta: 1e4 } } };
    expect(() => parseRopeConfig(cfg)).toThrow(/per-layer-type RoPE parameters \(full_attention, sliding_attention\)/);
  });

  it.each([
    [{ rope_scaling: { type: 'linear' } }, 'rope_scaling.factor', 'missing'],
    [{ rope_parameters: { rope_type: 'linear', factor: 'x' } }, 'rope_parameters.factor', 'expected a number'],
    [{ rope_parameters: { rope_theta: -1 } }, 'rope_parameters.rope_theta', 'must be > 0'],
    [{ rope_theta: '1e4' }, 'rope_theta', 'expected a number'],
    [{ rope_scaling: 'linear' }, 'rope_scaling', 'expected an object'],
    [{ rope_parameters: { rope_type: 'llama3', factor: 8, low_freq_factor: 1 } }, 'rope_parameters.high_freq_factor', 'missing'],
    [{ partial_rotary_factor: 1.5 }, 'partial_rotary_factor', 'must be in (0, 1]'],
  ])('names the bad field: %j', (extra, field, what) => {
    let err: unknown;
    try {
      parseRopeConfig({ ...base, ...extra });
    } catch (e) {
      err = e;
    }
    expect(isDualxdaError(err, 'HfConfigError')).toBe(true);
    expect((err as HfConfigError).field).toBe(field);
    expect((err as Error).message).toContain(what);
  });

  it('needs hidden_size / num_attention_heads when head_dim is absent', () => {
    expect(() => parseRopeConfig({ num_attention_heads: 4 })).toThrow('config.json field "hidden_size": missing');
  });
});
