import { countTokenRows, createStoreSink, extractFeatures, type ExtractResult, type FeatureModel } from '@dualxda/llm-adapter';
import type { Shard } from '../cli-options.js';
import type { CacheOptions } from '../commands/cache/spec.js';
import type { RunContext } from '../context.js';
import { InvalidOptionError } from '@dualxda/core';
import { InputError, InterruptedError } from '../errors.js';
import { checkInputFile, checkModelDir } from '../lib/inputs.js';
import { openFeatureModel } from '../lib/open-feature-model.js';
import { corpusFiles, locateRow, readCorpus, scanCorpus } from './corpus.js';

/** Inputs of `cacheCorpus`: the `dualxda cache` options (paths already absolute) plus a label. */
export interface CacheCorpusOptions extends Omit<CacheOptions, 'shard'> {
  /** The resolved shard (`--shard auto` already read from the environment). */
  shard?: Shard;
  /** Progress label, e.g. `cache train`. */
  label: string;
}

/** What happened. */
export interface CacheCorpusResult extends ExtractResult {
  store: string;
  rows: number;
  /** True when the store is finalized (not sharded, or this was the last missing part). */
  complete: boolean;
}

/**
 * A bad label found while extracting (llm-adapter names the corpus row and id) as an input error
 * naming the file, its row and the field; anything else unchanged.
 */
async function labelError(err: unknown, files: readonly string[]): Promise<unknown> {
  if (!(err instanceof InvalidOptionError) || err.option !== 'corpus.label') return err;
  const m = /row (\d+) \(id (.*?)\): (.*)$/s.exec(err.message);
  if (m === null) return err;
  const at = await locateRow(files, Number(m[1]));
  return new InputError(at.file, `field 'label' row ${at.row} (id ${m[2]}): ${m[3]}`, 'fix the label: a class index or name, or for --head token a list with one label per word or per token (docs/llm-adapter.md, Heads and rows)', { cause: err });
}

/**
 * Extracts features of a JSONL corpus into a store (resumable: chunks already written are
 * skipped; Ctrl-C stops between chunks). Reuses `model` when given (the demo caches two splits).
 */
export async function cacheCorpus(o: CacheCorpusOptions, ctx: RunContext, model?: FeatureModel): Promise<CacheCorpusResult> {
  const token = o.head === 'token';
  await checkInputFile(o.data, '--data', 'give a .jsonl corpus file or a directory of them');
  const files = await corpusFiles(o.data);
  const fm = model ?? (await openFeatureModel(await checkModelDir(o.model)));
  const { rows, revision } = await scanCorpus(files, o.limit);
  // A token-head store has one row per token: count them first (a tokenizer pass, no model run),
  // so every shard knows which texts its chunk-aligned row range cuts.
  const counted = token ? await countTokenRows(fm, readCorpus(files, o.limit), o.maxLength === undefined ? {} : { maxLength: o.maxLength }) : undefined;
  const tokenRows = counted?.tokens;
  const bar = ctx.progress({ label: o.label, total: o.shard === undefined ? rows : undefined, unit: 'texts' });
  const sink = createStoreSink(o.out, { datasetRevision: revision, ...(tokenRows === undefined ? {} : { rows: tokenRows }), ...(token && o.chunkRows !== undefined ? { tokenChunkRows: o.chunkRows } : {}), ...(o.codec === undefined ? {} : { codec: o.codec }) });
  let result: ExtractResult;
  try {
    result = await extractFeatures(fm, readCorpus(files, o.limit), sink, {
      totalRows: rows,
      head: token ? 'token' : 'sequence',
      ...(o.shard === undefined ? {} : { shard: o.shard }),
      ...(counted === undefined ? {} : { textRowStarts: counted.rowStarts }),
      ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
      ...(!token && o.chunkRows !== undefined ? { chunkRows: o.chunkRows } : {}),
      ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.textsDone),
    });
  } catch (err) {
    if (ctx.signal.aborted) throw new InterruptedError(`finished chunks are kept in ${o.out}; rerun the same command to resume`);
    throw await labelError(err, files);
  } finally {
    if (model === undefined) await fm.release();
  }
  bar.done(`${result.textsProcessed} texts (${result.chunksSkipped} chunks resumed)`);
  const complete = o.shard === undefined || (sink.writer()?.missingRanges().length ?? 1) === 0;
  return { ...result, store: o.out, rows: tokenRows ?? rows, complete };
}
