import { InvalidOptionError, type HeadKind } from '@dualxda/core';
import { stripUndefined } from '../onnx/runner-options.js';

/** Options of `FeatureModel.embed`. */
export interface EmbedOptions {
  /** 'sequence' (default): one row per text; 'token': one row per real token. */
  head?: HeadKind;
  /** Longest tokenised text, special tokens included; longer texts are truncated and counted. Default: the model's `max_position_embeddings`, capped at 512. */
  maxLength?: number;
  /** Texts per forward pass (default 32). */
  batchSize?: number;
  /**
   * Causal-LM token head only: compute the rows × vocabulary next-token logits (default false).
   * A corpus-scale cache would hold n × V floats (100k tokens × 32k classes = 12.8 GB), so caches
   * store none; `explain --text` asks for them on its few rows to know the network's prediction.
   */
  lmLogits?: boolean;
}

/** `EmbedOptions` with every field set. */
export type ResolvedEmbedOptions = Required<EmbedOptions>;

/**
 * Defaults of `EmbedOptions` (`maxLength` 0 = derived from the model, see `resolveEmbedOptions`).
 *
 * @example
 * DEFAULT_EMBED_OPTIONS.batchSize; // 32
 */
export const DEFAULT_EMBED_OPTIONS: Readonly<ResolvedEmbedOptions> = { head: 'sequence', maxLength: 0, batchSize: 32, lmLogits: false };

/** Cap on the default `maxLength`: attention cost grows with T², and 512 covers BERT's window. */
export const DEFAULT_MAX_LENGTH_CAP = 512;

/**
 * Validates `EmbedOptions` against the model's position limit; errors name the option.
 *
 * @example
 * resolveEmbedOptions({}, 128).maxLength; // 128
 */
export function resolveEmbedOptions(options: EmbedOptions, maxPositions: number): ResolvedEmbedOptions {
  const r = { ...DEFAULT_EMBED_OPTIONS, ...stripUndefined(options) };
  if (r.head !== 'sequence' && r.head !== 'token') throw new InvalidOptionError('head', `must be 'sequence' or 'token', got ${JSON.stringify(r.head)}`);
  if (r.maxLength === 0) r.maxLength = Math.min(maxPositions, DEFAULT_MAX_LENGTH_CAP);
  if (!Number.isInteger(r.maxLength) || r.maxLength < 2 || r.maxLength > maxPositions) {
    throw new InvalidOptionError('maxLength', `must be an integer in [2, ${maxPositions}] (max_position_embeddings), got ${r.maxLength}`);
  }
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1) throw new InvalidOptionError('batchSize', `must be a positive integer, got ${r.batchSize}`);
  if (typeof r.lmLogits !== 'boolean') throw new InvalidOptionError('lmLogits', `must be a boolean, got ${JSON.stringify(r.lmLogits)}`);
  return r;
}
