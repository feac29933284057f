import { parseChoice, parseInteger, parseShard, type ShardSpec } from '../../cli-options.js';
import { defineCommand } from '../../command-spec.js';

/** Options of `dualxda cache`. */
export interface CacheOptions {
  /** Classifier checkpoint directory. */
  model: string;
  /** Corpus: a .jsonl/.parquet file or a directory of them ({id, text, label}). */
  data: string;
  /** Store directory to create or resume. */
  out: string;
  /** Sequence head (one row per text) or token head (one row per token). */
  head?: 'sequence' | 'token';
  /** This job's shard of a distributed build (`auto`: from the scheduler's environment). */
  shard?: ShardSpec;
  batchSize?: number;
  maxLength?: number;
  /** Rows per store chunk: texts (sequence head, default 1024) or token rows (token head, default 4096). */
  chunkRows?: number;
  /** Use only the first N corpus rows (smoke tests). */
  limit?: number;
  /** Codec of the numeric arrays: raw (default, disk speed) or zstd. */
  codec?: 'raw' | 'zstd';
  /** ONNX Runtime worker threads (0: the forward runs on the main thread). */
  workers?: number;
}

export const cacheCommand = defineCommand<CacheOptions>({
  name: 'cache',
  summary: 'Extract penultimate-layer features of a corpus into a resumable feature store',
  usage: 'cache --model DIR --data FILE|DIR --out STORE [--head sequence|token] [--shard i/N|auto] [--batch-size N] [--max-length N] [--chunk-rows N] [--codec raw|zstd] [--workers N]',
  options: {
    model: { flag: 'model', kind: 'string', valueName: 'DIR', description: 'classifier checkpoint directory (config.json, weights, tokenizer)' },
    data: { flag: 'data', kind: 'string', valueName: 'FILE|DIR', description: 'corpus .jsonl/.parquet file (or directory) with id, text, label' },
    out: { flag: 'out', short: 'o', kind: 'string', valueName: 'STORE', description: 'store directory to create, or to resume after an interruption' },
    head: { flag: 'head', kind: 'string', valueName: 'KIND', description: 'sequence (one row per text, default) or token', parse: parseChoice(['sequence', 'token'] as const) },
    shard: { flag: 'shard', kind: 'string', valueName: 'i/N|auto[/N]', description: 'run only shard i of N (0-based); auto reads SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, JOB_COMPLETION_INDEX or PARALLEL_SEQ (auto/N fixes the count); finish with `cache finalize`', parse: parseShard },
    batchSize: { flag: 'batch-size', kind: 'string', valueName: 'N', description: 'texts per forward pass', parse: (r, w) => parseInteger(r, w, 1) },
    chunkRows: { flag: 'chunk-rows', kind: 'string', valueName: 'N', description: 'rows per store chunk, the unit of resume and sharding (default 1024 texts; token head 4096 token rows)', parse: (r, w) => parseInteger(r, w, 1) },
    maxLength: { flag: 'max-length', kind: 'string', valueName: 'N', description: 'truncate texts to N tokens', parse: (r, w) => parseInteger(r, w, 2) },
    codec: { flag: 'codec', kind: 'string', valueName: 'raw|zstd', description: 'how numeric arrays are stored: raw (default; reads and writes at disk speed, any Zarr v3 reader) or zstd (about 8% smaller on float32 features, several times slower); texts and ids are always zstd; a resumed store keeps its codec', parse: parseChoice(['raw', 'zstd'] as const) },
    workers: { flag: 'workers', kind: 'string', valueName: 'N', description: 'run the ONNX graph on N worker threads (each a single-threaded session holding its own copy of the weights) while this thread tokenises and writes chunks in order; 0 (default) runs it here. Same store either way; ignored without onnx/model.onnx. docs/llm-adapter.md "Extraction speed with threads"', parse: (r, w) => parseInteger(r, w, 0) },
    limit: { flag: 'limit', kind: 'string', valueName: 'N', description: 'only the first N corpus rows', parse: (r, w) => parseInteger(r, w, 1) },
  },
  required: ['model', 'data', 'out'],
  examples: [
    'dualxda cache --model packages/llm-adapter/assets/spam-bert --data packages/llm-adapter/assets/corpus/train.jsonl --out runs/train',
    'dualxda cache --model ckpt --data corpus/ --out runs/train --shard 0/4   # then 1/4 .. 3/4, then:',
    'dualxda cache --model ckpt --data corpus/ --out runs/train --shard auto   # in a SLURM array job (sbatch --array=0-3)',
    'dualxda cache finalize runs/train',
  ],
  notes: ['Stores keep each row\'s text and the model\'s logits (test stores need both).', 'Interrupted runs resume where they stopped: rerun the same command.'],
  load: async () => (await import('./index.js')).cache,
});
