import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseSafetensors, type SafetensorsTensor } from '@dualxda/core';
import type { ArchitectureDescriptor } from '../architectures/types.js';
import { ModelLoadError, VocabMismatchError } from '../errors.js';
import { getArchitecture } from '../registry.js';
import { loadTokenizer, tokenizerVocabSize, type Tokenizer } from './load-tokenizer.js';
import { configInt, readCheckpointFile, readCheckpointJson } from './read-json.js';
import { resolveHeads, type LinearHead } from './resolve-heads.js';

/** A local Hugging Face checkpoint folder, loaded and validated. */
export interface Checkpoint {
  /** Absolute folder path. */
  dir: string;
  config: Readonly<Record<string, unknown>>;
  architecture: ArchitectureDescriptor;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  vocabSize: number;
  maxPositions: number;
  /** Class names, index = label id (from `id2label`, else `LABEL_i`). */
  classNames: string[];
  tokenizer: Tokenizer;
  /** All tensors of `model.safetensors` under their HF names, floats decoded to float32. */
  weights: ReadonlyMap<string, SafetensorsTensor>;
  /** sha256 of `model.safetensors` (hex), for the store manifest's `modelHash`. */
  modelHash: string;
  /** The sequence-classification head (null for token-classification checkpoints). */
  sequenceHead: LinearHead | null;
  /** The token head (token classifier or LM head), or null when the checkpoint has none. */
  tokenHead: LinearHead | null;
  /** Absolute path of `onnx/model.onnx`. */
  onnxPath: string;
}

/** Relative path of the ONNX graph inside a checkpoint folder. */
export const ONNX_MODEL_FILE = 'onnx/model.onnx';

/**
 * Loads `config.json`, the tokenizer, `model.safetensors` and checks `onnx/model.onnx` exists.
 *
 * @throws ModelLoadError naming the missing/broken file, UnsupportedArchitectureError for an
 *   unknown `model_type`, VocabMismatchError when the tokenizer can emit ids past the embedding.
 * @example
 * const ckpt = await loadCheckpoint('packages/llm-adapter/assets/spam-bert');
 * ckpt.sequenceHead?.weight.shape; // [2, 128]
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const abs = resolve(dir);
  const config = await readCheckpointJson(abs, 'config.json');
  const modelType = config['model_type'];
  if (typeof modelType !== 'string') throw new ModelLoadError(abs, 'config.json', 'field "model_type" is missing');
  const architecture = getArchitecture(modelType);
  const c = architecture.config;
  const hiddenSize = configInt(abs, config, c.hiddenSize);
  const dims = {
    hiddenSize,
    numLayers: configInt(abs, config, c.numLayers),
    numHeads: configInt(abs, config, c.numHeads),
    vocabSize: configInt(abs, config, c.vocabSize),
    maxPositions: configInt(abs, config, c.maxPositions),
  };
  const onnxPath = join(abs, ONNX_MODEL_FILE);
  await access(onnxPath).catch((cause: unknown) => {
    throw new ModelLoadError(abs, ONNX_MODEL_FILE, 'file is missing', { cause });
  });
  const tokenizer = await loadTokenizer(abs);
  const bytes = await readCheckpointFile(abs, 'model.safetensors');
  let weights: Map<string, SafetensorsTensor>;
  try {
    // A plain Uint8Array view: core's parser copies with `.slice`, which on a Node Buffer is a
    // view into the shared pool rather than a copy.
    weights = parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), join(abs, 'model.safetensors'));
  } catch (cause) {
    throw new ModelLoadError(abs, 'model.safetensors', String((cause as Error).message ?? cause), { cause });
  }
  const embedding = weights.get(architecture.embeddingWeight);
  if (embedding === undefined) {
    throw new ModelLoadError(abs, 'model.safetensors', `embedding "${architecture.embeddingWeight}" is missing`);
  }
  const embeddingRows = embedding.shape[0] as number;
  const tokVocab = tokenizerVocabSize(tokenizer);
  if (tokVocab > embeddingRows) throw new VocabMismatchError(abs, tokVocab, embeddingRows);
  const heads = resolveHeads(abs, architecture, config, weights, hiddenSize);
  const modelHash = createHash('sha256').update(bytes).digest('hex');
  return { dir: abs, config, architecture, ...dims, classNames: classNamesOf(config, heads.sequenceHead ?? heads.tokenHead), tokenizer, weights, modelHash, ...heads, onnxPath };
}

function classNamesOf(config: Record<string, unknown>, head: LinearHead | null): string[] {
  const k = head?.weight.shape[0] ?? 0;
  const id2label = (config['id2label'] ?? {}) as Record<string, unknown>;
  const names: string[] = [];
  for (let i = 0; i < k; i++) {
    const n = id2label[String(i)];
    names.push(typeof n === 'string' ? n : `LABEL_${i}`);
  }
  return names;
}
