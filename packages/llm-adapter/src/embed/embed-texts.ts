import type { HeadKind } from '@dualxda/core';
import { ONNX_MODEL_FILE, type Checkpoint } from '../checkpoint/load-checkpoint.js';
import { ModelLoadError } from '../errors.js';
import { MODEL_FAMILY_CONFIG } from '../families.js';
import type { FeatureRunner, RunnerOutputs } from '../onnx/feature-runner.js';
import { encodeTexts } from '../tokenize/encode-texts.js';
import { padBatch } from '../tokenize/pad-batch.js';
import { resolveEmbedOptions, type EmbedOptions } from './embed-options.js';
import { lengthBatches } from './length-batches.js';
import { linearF32 } from './linear-f32.js';
import { scatterSequenceRows, scatterTokenRows } from './scatter.js';

/** Features (and logits) of a list of texts, in input order. */
export interface EmbedResult {
  head: HeadKind;
  /** Feature rows: texts for the sequence head, real tokens for the token head. */
  rows: number;
  dim: number;
  /** rows × dim row-major. */
  features: Float32Array;
  /** rows × numOutputs row-major, or null when the checkpoint has no head for this kind. */
  logits: Float32Array | null;
  numOutputs: number;
  /** Token head only: [textIndex, position] per row (textIndex into the input array). */
  tokenOffsets: Int32Array | null;
  /** Token head only: the token id of each row. */
  tokenIds: Int32Array | null;
  /** Tokens of each text after truncation (special tokens included). */
  lengths: Int32Array;
  /** Indices of the texts cut to `maxLength`. */
  truncatedIndices: number[];
}

/**
 * Tokenises, batches by length, runs the ONNX graph (or the built-in forward) and returns rows in input order.
 * Sequence rows use the graph's `features` output (the head's input); token rows are
 * `last_hidden_state` rows of the real tokens, with logits from the checkpoint's token head.
 *
 * @param firstIndex row index of `texts[0]` in the caller's corpus, for error messages.
 * @throws EmptyTextError naming the row of an empty text.
 * @example
 * const r = await embedTexts(ckpt, runner, ['free money!!!'], { head: 'sequence' });
 * r.features.length === r.dim;
 */
export async function embedTexts(
  ckpt: Checkpoint,
  runner: FeatureRunner,
  texts: readonly string[],
  options: EmbedOptions = {},
  firstIndex = 0,
  ids?: readonly string[],
): Promise<EmbedResult> {
  const opts = resolveEmbedOptions(options, ckpt.maxPositions);
  const enc = encodeTexts(ckpt.tokenizer, texts, opts.maxLength, ids === undefined ? { firstIndex } : { firstIndex, ids });
  const lengths = Int32Array.from(enc.ids, (s) => s.length);
  const padId = ckpt.tokenizer.pad_token_id ?? 0;
  const token = opts.head === 'token';
  const pooling = MODEL_FAMILY_CONFIG[ckpt.architecture.family].pooling;
  // Fetch the [B,T,H] hidden states only when needed: token rows, or pooling without `features`.
  const hasFeatures = runner.outputNames.includes('features');
  const want: (keyof RunnerOutputs)[] = token ? ['lastHiddenState'] : hasFeatures ? ['features', 'logits'] : ['lastHiddenState', 'logits'];
  const acc = token ? scatterTokenRows(lengths, ckpt.hiddenSize) : scatterSequenceRows(texts.length);
  let seqLogits: Float32Array | null = null;
  let numOutputs = 0;
  for (const batch of lengthBatches(lengths, opts.batchSize)) {
    const padded = padBatch(batch.map((i) => enc.ids[i] as number[]), padId);
    const out = await runner.run(padded, want);
    if (token) {
      if (out.lastHiddenState === null) throw missingOutput(ckpt, 'last_hidden_state');
      acc.addTokens(batch, padded, out.lastHiddenState, enc.ids);
      continue;
    }
    const feats = out.features ?? (out.lastHiddenState === null ? null : acc.pool(padded, out.lastHiddenState, pooling));
    if (feats === null) throw missingOutput(ckpt, 'features');
    acc.addSequences(batch, feats);
    if (out.logits !== null) {
      numOutputs = out.logits.length / batch.length;
      seqLogits ??= new Float32Array(texts.length * numOutputs);
      for (let b = 0; b < batch.length; b++) seqLogits.set(out.logits.subarray(b * numOutputs, (b + 1) * numOutputs), (batch[b] as number) * numOutputs);
    }
  }
  const { features, dim, rows, tokenOffsets, tokenIds } = acc.finish();
  let logits = seqLogits;
  const head = token ? ckpt.tokenHead : ckpt.sequenceHead;
  if (logits === null && head !== null) {
    numOutputs = head.weight.shape[0] as number;
    logits = linearF32(rows, dim, numOutputs, features, head.weight.data, head.bias, new Float32Array(rows * numOutputs));
  }
  const truncatedIndices: number[] = [];
  enc.truncated.forEach((t, i) => t && truncatedIndices.push(i));
  return { head: opts.head, rows, dim, features, logits, numOutputs: logits === null ? 0 : numOutputs, tokenOffsets, tokenIds, lengths, truncatedIndices };
}

function missingOutput(ckpt: Checkpoint, name: string): ModelLoadError {
  return new ModelLoadError(ckpt.dir, ONNX_MODEL_FILE, `the graph has no "${name}" output`);
}
