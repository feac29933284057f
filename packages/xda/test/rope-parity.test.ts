/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index fixtures whose shape they assert */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors } from '@dualxda/core';
import { expectClose } from '@dualxda/core/testing';
import { createXdaModel, extractFeatures } from '../src/index.js';
import type { HfConfig } from '../src/index.js';
import { ASSETS_DIR } from './shared-assets.js';
import { FIXTURE_DIR } from './load-fixture.js';

interface RopeForwardCase {
  name: string;
  config: HfConfig;
  input_ids: number[][];
  features: number[][];
  logits: number[][];
}

// tools/fixtures/model/make-rope-reference.py: tiny-llama run in torch with each RoPE config.
const fixture = JSON.parse(readFileSync(join(FIXTURE_DIR, 'rope-parity.json'), 'utf8')) as { cases: RopeForwardCase[] };
const file = join(ASSETS_DIR, 'tiny-llama', 'model.safetensors');
const weights = parseSafetensors(new Uint8Array(readFileSync(file)), file);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(fixture.cases.map((c) => [c.name, c] as const))('Llama forward with RoPE %s', (_name, c) => {
  it('matches the torch reference (features and logits to 1e-4)', () => {
    const model = createXdaModel(weights, c.config);
    try {
      const feats = extractFeatures(model, c.input_ids.map((ids) => ({ ids })));
      feats.forEach((f, i) => expectClose(f, c.features[i]!, { rtol: 1e-4, atol: 1e-5 }));
      const W = model.head!.weight.arraySync();
      feats.forEach((f, i) => expectClose(W.map((row) => row.reduce((a, w, j) => a + w * f[j]!, 0)), c.logits[i]!, { rtol: 1e-4, atol: 1e-5 }));
    } finally {
      model.dispose();
    }
  });
});

describe('Llama RoPE config', () => {
  const base = JSON.parse(readFileSync(join(ASSETS_DIR, 'tiny-llama', 'config.json'), 'utf8')) as Record<string, unknown>;
  const ids = fixture.cases[0]!.input_ids[0]!;
  const run = (config: HfConfig): number[] => {
    const model = createXdaModel(weights, config);
    try {
      return Array.from(extractFeatures(model, [{ ids }])[0]!);
    } finally {
      model.dispose();
    }
  };

  it('reads θ from 5.x rope_parameters: the same θ spelled the 4.x way gives the same features', () => {
    const { rope_theta: _t, rope_scaling: _s, ...rest } = base;
    const v5 = run({ ...rest, rope_parameters: { rope_type: 'default', rope_theta: 10000 } });
    expect(v5).toEqual(run(base));
    // and a different θ there is not ignored
    expect(run({ ...rest, rope_parameters: { rope_type: 'default', rope_theta: 500000 } })).not.toEqual(v5);
  });

  it('refuses an unsupported rope type by name', () => {
    expect(() => createXdaModel(weights, { ...base, rope_scaling: { rope_type: 'longrope', short_factor: [1], long_factor: [1] } })).toThrow(
      /RoPE type "longrope" is not supported/,
    );
  });
});
