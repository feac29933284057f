import { cp, mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Checkpoints and corpus produced by tools/fixtures/model/ (see assets/README.md). */
export const ASSETS = join(import.meta.dirname, '..', 'assets');
/** Every committed checkpoint with reference.json and tokens-python.json. */
export const PARITY_MODELS = ['tiny-bert', 'tiny-llama', 'spam-bert'] as const;
export const checkpointDir = (name: string): string => join(ASSETS, name);

/** One case of a checkpoint's reference.json (python/torch outputs, batch of one). */
export interface ReferenceCase {
  text: string;
  input_ids: number[];
  tokens: string[];
  features_first8: number[];
  features_l2: number;
  logits: number[];
  predicted_label: string;
  last_hidden_state_token0_first8: number[];
  last_hidden_state_l2: number;
}

export interface Reference {
  model_type: string;
  max_length: number;
  cases: ReferenceCase[];
}

export function readReference(name: string): Reference {
  return JSON.parse(readFileSync(join(checkpointDir(name), 'reference.json'), 'utf8')) as Reference;
}

/** Copies a checkpoint to a fresh temp folder so a test can break one file. */
export async function copyCheckpoint(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `llm-adapter-${name}-`));
  await cp(checkpointDir(name), dir, { recursive: true });
  return dir;
}

export function l2(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s);
}
