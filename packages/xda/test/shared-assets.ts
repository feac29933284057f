/** The llm-adapter's HF-layout checkpoints (read as files; xda never imports llm-adapter code). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '@dualxda/core';
import { createXdaModel } from '../src/index.js';
import type { HfConfig, XdaModel } from '../src/index.js';

export const ASSETS_DIR = join(import.meta.dirname, '..', '..', 'llm-adapter', 'assets');

export interface ReferenceCase {
  input_ids: number[];
  tokens: string[];
  features_first8: number[];
  features_l2: number;
  logits: number[];
}

export function hasAsset(name: string): boolean {
  return existsSync(join(ASSETS_DIR, name, 'model.safetensors'));
}

export function loadAssetModel(name: string): XdaModel {
  const dir = join(ASSETS_DIR, name);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as HfConfig;
  const file = join(dir, 'model.safetensors');
  // Plain Uint8Array copy, see load-fixture.ts.
  return createXdaModel(parseSafetensors(new Uint8Array(readFileSync(file)), file), config);
}

export function loadReference(name: string): ReferenceCase[] {
  return (JSON.parse(readFileSync(join(ASSETS_DIR, name, 'reference.json'), 'utf8')) as { cases: ReferenceCase[] }).cases;
}
