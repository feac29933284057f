/** Loads the committed torch parity fixture (tools/fixtures/xda/generate.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '@dualxda/core';
import { expectClose } from '@dualxda/core/testing';
import { createXdaModel } from '../src/index.js';
import type { HfConfig, XdaModel } from '../src/index.js';

export interface VariantCase {
  variant: 'attnlrp' | 'cp-lrp';
  epsilon: number;
  pairs: { test: number[]; train: number[]; target: number }[];
  prediction: { classIndex: number; relevance: number[]; target: number };
}

export interface ArchCase {
  config: HfConfig;
  test: number[];
  train: number[][];
  alphas: number[];
  features: number[][];
  logits: number[];
  variants: VariantCase[];
}

export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures');

export const parity = JSON.parse(readFileSync(join(FIXTURE_DIR, 'parity.json'), 'utf8')) as { bert: ArchCase; llama: ArchCase };

export function loadFixtureModel(arch: 'bert' | 'llama'): XdaModel {
  const file = join(FIXTURE_DIR, `tiny-${arch}.safetensors`);
  // A plain Uint8Array copy: core's parser slices its input, and Node Buffer.slice() is a view onto
  // the shared pool (reported to the lead), so readSafetensors would decode the wrong bytes.
  const weights = parseSafetensors(new Uint8Array(readFileSync(file)), file);
  return createXdaModel(weights, parity[arch].config);
}

/** Heatmaps compared as maps: each value relative to the largest |value| of the expected map. */
export function expectMapClose(actual: ArrayLike<number>, expected: number[], tol = 1e-4): void {
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  expectClose(Array.from(actual, (v) => v / scale), expected.map((v) => v / scale), { rtol: 0, atol: tol });
}
