import type { HeadKind } from '@dualxda/core';
import { ONNX_MODEL_FILE, type Checkpoint } from '../checkpoint/load-checkpoint.js';
import { ModelLoadError } from '../errors.js';
import { MODEL_FAMILY_CONFIG } from '../families.js';
import type { FeatureRunner, RunnerOutputs } from '../onnx/feature-runner.js';
import { encodeTexts } from '../tokenize/encode-texts.js';
import { padBatch } from '../tokenize/pad-batch.js';
import { resolveEmbedOptions, type EmbedOptions } from './embed-options.js';
import { lengthBatches } from './length-batches.js';
import { applyHeadTransform } from './apply-head-transform.js';
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
  /**
   * LM token heads only, the class of each row. Causal LM: the id of the token after the row's
   * (row t of a text is labelled with token t + 1); the last token of each text has no next token,
   * so its row is dropped: a text of L tokens gives L − 1 rows (positions 0 … L − 2), a 1-token
   * text none. Masked LM: the row's own token id (every row kept).
   */
  lmLabels: Int32Array | null;
  /** Tokens of each text after truncation (special tokens included). */
  lengths: Int32Array;
  /** Indices of the texts cut to `maxLength`. */
  truncatedIndices: number[];
}

/**
 * Tokenises, batches by length, runs the ONNX graph (or the built-in forward) and returns rows in input order.
 * Sequence rows use the graph's `features` output (the head's input); token rows are
 * `last_hidden_state` rows of the real tokens, with logits from the checkpoint's token head. With a
 * causal-LM head the rows are labelled by the next token (`lmLabels`) and each text's last token
 * row is dropped; with a masked-LM head the features are the head transform's output and the label
 * is the row's own token. An LM head's vocabulary-wide logits are only computed with `lmLogits`.
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
  const finished = acc.finish();
  const role = token ? ckpt.tokenHead?.role : undefined;
  const lm = role === 'causal-lm' || role === 'masked-lm';
  const { features, dim, rows, tokenOffsets, tokenIds, lmLabels } = role === 'causal-lm' ? dropLastTokens(finished, lengths) : role === 'masked-lm' ? maskedLmRows(finished, ckpt) : { ...finished, lmLabels: null };
  let logits = seqLogits;
  const head = token ? ckpt.tokenHead : ckpt.sequenceHead;
  // An LM head's rows × vocabulary logits are computed only on request (`lmLogits`).
  if (logits === null && head !== null && (!lm || opts.lmLogits)) {
    numOutputs = head.weight.shape[0] as number;
    logits = linearF32(rows, dim, numOutputs, features, head.weight.data, head.bias, new Float32Array(rows * numOutputs));
  }
  const truncatedIndices: number[] = [];
  enc.truncated.forEach((t, i) => t && truncatedIndices.push(i));
  return { head: opts.head, rows, dim, features, logits, numOutputs: logits === null ? 0 : numOutputs, tokenOffsets, tokenIds, lmLabels, lengths, truncatedIndices };
}

type TokenRows = ReturnType<ReturnType<typeof scatterTokenRows>['finish']>;

/**
 * Masked-LM rows: the feature is the head transform's output (what the decoder multiplies), the
 * label the token at the row's own position (the original token; nothing is masked).
 */
function maskedLmRows(r: TokenRows, ckpt: Checkpoint): TokenRows & { lmLabels: Int32Array } {
  const transform = ckpt.tokenHead?.transform;
  if (transform === undefined) throw new ModelLoadError(ckpt.dir, 'model.safetensors', 'the masked-LM head has no transform');
  return { ...r, features: applyHeadTransform(transform, r.rows, r.dim, r.features), lmLabels: Int32Array.from(r.tokenIds as Int32Array) };
}

/**
 * Causal-LM rows: row (text, t) is labelled with the text's token t + 1, so each text's last row
 * (no next token) is dropped, compacting features, offsets and ids in place (rows only move down).
 */
function dropLastTokens(r: TokenRows, lengths: Int32Array): TokenRows & { lmLabels: Int32Array } {
  const { dim, features } = r;
  const offsets = r.tokenOffsets as Int32Array;
  const ids = r.tokenIds as Int32Array;
  const next = new Int32Array(r.rows);
  let out = 0;
  for (let row = 0; row < r.rows; row++) {
    const text = offsets[2 * row] as number;
    const t = offsets[2 * row + 1] as number;
    if (t + 1 >= (lengths[text] as number)) continue;
    // Rows of a text are contiguous and in position order, so its next token is the next row's.
    next[out] = ids[row + 1] as number;
    if (out !== row) {
      features.copyWithin(out * dim, row * dim, (row + 1) * dim);
      offsets[2 * out] = text;
      offsets[2 * out + 1] = t;
      ids[out] = ids[row] as number;
    }
    out++;
  }
  return { features: features.subarray(0, out * dim), dim, rows: out, tokenOffsets: offsets.subarray(0, 2 * out), tokenIds: ids.subarray(0, out), lmLabels: next.slice(0, out) };
}

function missingOutput(ckpt: Checkpoint, name: string): ModelLoadError {
  return new ModelLoadError(ckpt.dir, ONNX_MODEL_FILE, `the graph has no "${name}" output`);
}
