import { resolveEmbedOptions, type EmbedOptions } from '../embed/embed-options.js';
import type { FeatureModel } from '../model.js';
import { encodeTexts } from '../tokenize/encode-texts.js';
import type { CorpusRow } from './types.js';

/**
 * Counts texts and token rows (after truncation to `maxLength`; a causal-LM head has one row
 * fewer per text, see `EmbedResult.lmLabels`) without running the model:
 * the `rows` a token-head store needs up front, and `rowStarts` (each text's first token row,
 * plus the total) that lets token-head extraction be sharded and resumed.
 *
 * @example
 * const { tokens } = await countTokenRows(model, readJsonlCorpus('train.jsonl'), { maxLength: 128 });
 * createStoreSink('tokens.zarr', { rows: tokens });
 */
export async function countTokenRows(
  model: FeatureModel,
  corpus: AsyncIterable<CorpusRow> | Iterable<CorpusRow>,
  options: Pick<EmbedOptions, 'maxLength'> = {},
): Promise<{ texts: number; tokens: number; rowStarts: Float64Array }> {
  const { maxLength } = resolveEmbedOptions(options, model.checkpoint.maxPositions);
  const causal = model.checkpoint.tokenHead?.role === 'causal-lm';
  let texts = 0;
  let tokens = 0;
  const starts: number[] = [0];
  for await (const row of corpus) {
    const enc = encodeTexts(model.checkpoint.tokenizer, [row.text], maxLength, { firstIndex: texts, ids: [String(row.id)] });
    const n = (enc.ids[0] as number[]).length;
    // A causal-LM head stores no row for a text's last token (it has no next token).
    tokens += causal ? Math.max(0, n - 1) : n;
    starts.push(tokens);
    texts++;
  }
  return { texts, tokens, rowStarts: Float64Array.from(starts) };
}
