import { InvalidOptionError, type HeadKind } from '@dualxda/core';
import { resolveEmbedOptions } from '../embed/embed-options.js';
import type { EmbedResult } from '../embed/embed-texts.js';
import type { FeatureModel } from '../model.js';
import { resolveExtractOptions, shardChunkRange, type ExtractOptions } from './extract-options.js';
import { checkHeadConsistency } from './head-consistency.js';
import { createExtractRunner, createOrderedPipeline, embedChunk } from './pipeline.js';
import { createProgressMeter } from './progress.js';
import { toRowBatch } from './to-row-batch.js';
import type { CorpusRow, FeatureSink, SinkInfo } from './types.js';

/** Totals of one `extractFeatures` run. */
export interface ExtractResult {
  head: HeadKind;
  dim: number;
  textsProcessed: number;
  rowsWritten: number;
  tokens: number;
  chunksWritten: number;
  /** Chunks of this shard that the sink already had (resume). */
  chunksSkipped: number;
  /** Corpus indices of texts cut to `maxLength`. */
  truncated: number[];
  /** The token limit the texts were cut to (resolved: the option, else the model's default); XDA must use the same. */
  maxLength: number;
  seconds: number;
}

/**
 * Streams a corpus through the model into a sink, one corpus chunk (`chunkRows` texts) at a
 * time: tokenise, sort the chunk by length into batches, run, restore order, write. Chunks the
 * sink reports complete are skipped (resume); with `shard` only that shard's contiguous chunk
 * range is processed.
 *
 * @throws EmptyTextError / InvalidOptionError naming the corpus row of a bad text or label.
 * @example
 * const model = await openModel('packages/llm-adapter/assets/spam-bert');
 * const sink = createMemorySink();
 * await extractFeatures(model, readJsonlCorpus('train.jsonl'), sink, { onProgress: console.log });
 */
export async function extractFeatures(
  model: FeatureModel,
  corpus: AsyncIterable<CorpusRow> | Iterable<CorpusRow>,
  sink: FeatureSink,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const opts = resolveExtractOptions(options);
  const ckpt = model.checkpoint;
  const embedOpts = resolveEmbedOptions(opts, ckpt.maxPositions);
  const head = embedOpts.head;
  const linear = head === 'token' ? ckpt.tokenHead : ckpt.sequenceHead;
  const chunkCount = opts.totalRows === null ? null : Math.ceil(opts.totalRows / opts.chunkRows);
  const info: SinkInfo = {
    head,
    dim: ckpt.hiddenSize,
    chunkRows: opts.chunkRows,
    totalRows: opts.totalRows,
    classNames: ckpt.classNames,
    modelHash: ckpt.modelHash,
    // A masked-LM head's features are its transform's output.
    layer: head === 'token' ? (linear?.transform?.name ?? ckpt.architecture.tokenFeatureLayer) : ckpt.architecture.sequenceFeatureLayer,
    // An LM head keeps no n × vocabulary logits unless asked (`lmLogits`, see embedTexts).
    numOutputs: linear === null || ((linear.role === 'causal-lm' || linear.role === 'masked-lm') && !embedOpts.lmLogits) ? 0 : (linear.weight.shape[0] as number),
    shard: opts.shard,
    textRowStarts: head === 'token' ? opts.textRowStarts : null,
  };
  const vocab = head === 'token' ? vocabTokens(ckpt.tokenizer.get_vocab()) : [];
  const done = await sink.begin(info);
  const range = sink.chunkRange?.() ?? (chunkCount === null ? { start: 0, end: Number.POSITIVE_INFINITY } : shardChunkRange(chunkCount, opts.shard));
  const meter = createProgressMeter(chunkCount === null ? null : range.end - range.start, opts.onProgress);
  const result: ExtractResult = { head, dim: info.dim, textsProcessed: 0, rowsWritten: 0, tokens: 0, chunksWritten: 0, chunksSkipped: 0, truncated: [], maxLength: embedOpts.maxLength, seconds: 0 };
  let pending: CorpusRow[] = [];
  let pendingChunk = -1;
  // The graph's own sequence logits let us check, on the first chunk, that its features are what
  // the checkpoint's head multiplies (token logits are always computed from the head: nothing to check).
  const runner = model.runner;
  let headToCheck = head === 'sequence' && runner.outputNames.includes('logits') ? linear : null;

  // workers > 0: a pool of ONNX sessions embeds later chunks while this one is written (pipeline.ts).
  const ex = await createExtractRunner(model, opts.workers);
  const pipe = createOrderedPipeline<EmbedResult>(ex.depth);
  // `last`: the final chunk, split over the workers so that they all finish together (pipeline.ts).
  const flush = async (last = false): Promise<void> => {
    if (pending.length === 0) return;
    const texts = pending;
    const k = pendingChunk;
    pending = [];
    const firstText = k * opts.chunkRows;
    const ids = texts.map((r) => String(r.id));
    const job = embedChunk(ckpt, ex.runner, texts.map((r) => r.text), embedOpts, firstText, ids, last ? ex.parts : 1);
    await pipe.push(job, (emb) => writeChunk(emb, texts, k, firstText, ids));
  };
  const writeChunk = async (emb: EmbedResult, texts: CorpusRow[], k: number, firstText: number, ids: string[]): Promise<void> => {
    if (emb.dim !== info.dim) throw new InvalidOptionError('head', `model features have dim ${emb.dim}, expected hidden_size ${info.dim}`);
    if (headToCheck !== null && emb.logits !== null) {
      const output = runner.outputNames.includes('features') ? 'features' : 'last_hidden_state';
      checkHeadConsistency({ dir: ckpt.dir, output, head: headToCheck, features: emb.features, logits: emb.logits, rows: emb.rows, firstRow: firstText });
      headToCheck = null;
    }
    const chunk = toRowBatch(k, firstText, texts, ids, emb, ckpt.classNames, vocab, ckpt.tokenizer);
    await sink.writeChunk(chunk);
    result.textsProcessed += texts.length;
    result.rowsWritten += emb.rows;
    result.tokens += chunk.tokens;
    result.chunksWritten++;
    result.truncated.push(...chunk.truncated);
    meter.chunk(texts.length, emb.rows, chunk.tokens);
  };

  let row = 0;
  try {
    for await (const item of corpus) {
      const k = Math.floor(row / opts.chunkRows);
      row++;
      if (k < range.start) continue;
      if (k >= range.end) break;
      if (k !== pendingChunk) {
        await flush();
        opts.signal?.throwIfAborted();
        pendingChunk = k;
        if (done.has(k)) {
          result.chunksSkipped++;
          meter.skip();
        }
      }
      if (!done.has(k)) pending.push(item);
    }
    await flush(true);
    await pipe.drain();
  } catch (e) {
    await pipe.settle();
    throw e;
  } finally {
    await ex.release();
  }
  await sink.end();
  result.seconds = meter.elapsed();
  return result;
}

/** id → token string, for the per-row texts of token rows. */
function vocabTokens(vocab: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [token, id] of vocab) out[id] = token;
  return out;
}
