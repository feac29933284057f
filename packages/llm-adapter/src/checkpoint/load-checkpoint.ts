import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDualxdaError, parseRopeConfig, type RopeConfig, type SafetensorsTensor } from '@dualxda/core';
import type { ArchitectureDescriptor } from '../architectures/types.js';
import { ModelLoadError, VocabMismatchError } from '../errors.js';
import { getArchitecture } from '../registry.js';
import { loadTokenizer, tokenizerVocabSize, type Tokenizer } from './load-tokenizer.js';
import { vocabClassNames } from './vocab-class-names.js';
import { configInt, readCheckpointJson } from './read-json.js';
import { locateWeights, readCheckpointWeights } from './read-weights.js';
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
  /**
   * Class names, index = label id (from `id2label`, else `LABEL_i`); for an LM head (causal or
   * masked) the vocabulary (`vocabClassNames`: class k = token id k).
   */
  classNames: string[];
  tokenizer: Tokenizer;
  /**
   * All tensors of `model.safetensors` (or of its shards, `model.safetensors.index.json`) under
   * their HF names; F32/F16/BF16/F64 decoded to float32. Read on demand (a `LazyWeightMap`): only
   * where each tensor lies is kept, and every `get` reads and decodes the tensor afresh, so a
   * caller that needs a weight more than once keeps what `get` returned. `has`, `keys`, `size` and
   * names and shapes while iterating read nothing. The heads below hold their own decoded arrays.
   */
  weights: ReadonlyMap<string, SafetensorsTensor>;
  /**
   * sha256 (hex) of `model.safetensors`, or of the shards' bytes in file-name order, for the store
   * manifest's `modelHash`.
   */
  modelHash: string;
  /** Weight files read, relative to `dir`. */
  weightFiles: string[];
  /** RoPE settings (decoder families; @dualxda/core `parseRopeConfig`), null for absolute positions. */
  rope: RopeConfig | null;
  /** The sequence-classification head (null for token-classification checkpoints). */
  sequenceHead: LinearHead | null;
  /** The token head (token classifier or LM head), or null when the checkpoint has none. */
  tokenHead: LinearHead | null;
  /**
   * Absolute path of `onnx/model.onnx`, or null when the folder has none (a plain `save_pretrained`
   * folder: `openModel` then needs a built-in forward, see `OpenModelOptions.forward`).
   */
  onnxPath: string | null;
}

/** Relative path of the ONNX graph inside a checkpoint folder. */
export const ONNX_MODEL_FILE = 'onnx/model.onnx';

/**
 * Loads `config.json`, the tokenizer, the weights (`model.safetensors` or sharded, see
 * `readCheckpointWeights`) and looks for the optional `onnx/model.onnx`.
 *
 * @throws ModelLoadError naming the missing/broken file (or config field, e.g. an unsupported
 *   RoPE type; or a `pytorch_model.bin`, with the conversion command), UnsupportedArchitectureError for an
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
    maxPositions: configInt(abs, config, c.maxPositions) - (architecture.reservedPositions ?? 0),
  };
  const rope = architecture.family === 'decoder-only' ? ropeOf(abs, config) : null;
  // A folder with only pytorch_model.bin gets the conversion command before anything else is read.
  await locateWeights(abs);
  // The graph is optional: without it `openModel` runs an injected built-in forward on the weights.
  const onnxPath = await access(join(abs, ONNX_MODEL_FILE)).then(
    () => join(abs, ONNX_MODEL_FILE),
    () => null,
  );
  const tokenizer = await loadTokenizer(abs);
  const { weights, modelHash, files: weightFiles } = await readCheckpointWeights(abs);
  // Its shape only: decoding the embedding (545 MB float32 for a 151,936-row vocabulary) to count rows would be waste.
  const embedding = weights.describe(architecture.embeddingWeight);
  if (embedding === undefined) {
    throw new ModelLoadError(abs, weightFiles.join(', '), `embedding "${architecture.embeddingWeight}" is missing`);
  }
  const embeddingRows = embedding.shape[0] as number;
  const tokVocab = tokenizerVocabSize(tokenizer);
  if (tokVocab > embeddingRows) throw new VocabMismatchError(abs, tokVocab, embeddingRows);
  const heads = resolveHeads(abs, architecture, config, weights, hiddenSize);
  // The heads are decoded anyway: later readers of these names (a tied embedding included) share them.
  for (const h of [heads.sequenceHead, heads.tokenHead]) if (h !== null) weights.hold(h.tiedTo ?? h.name, h.weight);
  const role = heads.tokenHead?.role;
  const lm = role === 'causal-lm' || role === 'masked-lm' ? heads.tokenHead : null;
  const classNames = lm === null ? classNamesOf(config, heads.sequenceHead ?? heads.tokenHead) : vocabClassNames(tokenizer, lm.weight.shape[0] as number);
  return { dir: abs, config, architecture, ...dims, classNames, tokenizer, weights, modelHash, weightFiles, rope, ...heads, onnxPath };
}

/** The shared HF RoPE reader, its error re-thrown with the folder. */
function ropeOf(dir: string, config: Record<string, unknown>): RopeConfig {
  try {
    return parseRopeConfig(config);
  } catch (cause) {
    if (isDualxdaError(cause, 'HfConfigError')) throw new ModelLoadError(dir, 'config.json', cause.message.replace(/^config\.json /, ''), { cause });
    throw cause;
  }
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
