/**
 * The overlap of `extractFeatures` with `workers` > 0: corpus chunks are embedded by a pool of
 * ONNX Runtime worker sessions (onnx/pool-runner.ts), up to `workers + 1` chunks in flight, while
 * this thread tokenises the next chunk and writes finished ones, strictly in chunk order. The
 * last sequence-head chunk is also split over the workers (`embedChunk`), so that it does not run
 * on one worker alone while the others idle. With `workers` = 0 everything runs in turn on the model's own runner,
 * as before.
 */
import { InvalidOptionError } from '@dualxda/core';
import type { Checkpoint } from '../checkpoint/load-checkpoint.js';
import type { ResolvedEmbedOptions } from '../embed/embed-options.js';
import { embedTexts, type EmbedResult } from '../embed/embed-texts.js';
import { lengthBatches } from '../embed/length-batches.js';
import type { FeatureModel } from '../model.js';
import { encodeTexts } from '../tokenize/encode-texts.js';
import type { FeatureRunner } from '../onnx/feature-runner.js';
import { createOnnxPoolRunner } from '../onnx/pool-runner.js';

/** Jobs started in order and finished (written) strictly in that order. */
export interface OrderedPipeline<T> {
  /** Adds a started job; while `depth` jobs are in flight, first finishes the oldest. */
  push(job: Promise<T>, finish: (value: T) => Promise<void>): Promise<void>;
  /** Finishes every job left, in order. */
  drain(): Promise<void>;
  /** Waits for the jobs in flight to settle, ignoring their results (after a failure). */
  settle(): Promise<void>;
}

/**
 * @example
 * const pipe = createOrderedPipeline<number>(2);
 * await pipe.push(Promise.resolve(1), async (v) => console.log(v));
 * await pipe.drain();
 */
export function createOrderedPipeline<T>(depth: number): OrderedPipeline<T> {
  if (!Number.isInteger(depth) || depth < 1) throw new InvalidOptionError('depth', `must be a positive integer, got ${depth}`);
  const queue: { job: Promise<T>; finish: (value: T) => Promise<void> }[] = [];
  const finishOldest = async (): Promise<void> => {
    const head = queue.shift();
    if (head !== undefined) await head.finish(await head.job);
  };
  return {
    async push(job, finish) {
      // Handled here so that a job failing while older ones are written is no unhandled
      // rejection; the failure still surfaces when its turn comes.
      job.catch(() => undefined);
      queue.push({ job, finish });
      while (queue.length >= depth) await finishOldest();
    },
    async drain() {
      while (queue.length > 0) await finishOldest();
    },
    async settle() {
      await Promise.allSettled(queue.splice(0).map((q) => q.job));
    },
  };
}

/** The runner chunks are embedded with, how many chunks may be in flight, and how to free it. */
export interface ExtractRunner {
  runner: FeatureRunner;
  depth: number;
  /** Runs of batches the last sequence-head chunk is split into (1: one embedTexts call). */
  parts: number;
  release(): Promise<void>;
}

/**
 * `workers` = 0, or a model not run by ONNX Runtime on the CPU (built-in forward, CUDA): the
 * model's own runner, one chunk at a time. Otherwise a pool of `workers` single-threaded sessions.
 */
export async function createExtractRunner(model: FeatureModel, workers: number): Promise<ExtractRunner> {
  const { runner } = model;
  const onnxPath = model.checkpoint.onnxPath;
  if (workers === 0 || runner.kind !== 'onnx' || runner.executionProvider !== 'cpu' || onnxPath === null) {
    return { runner, depth: 1, parts: 1, release: async () => undefined };
  }
  const pool = await createOnnxPoolRunner(onnxPath, { workers });
  return { runner: pool, depth: workers + 1, parts: workers, release: () => pool.release() };
}

/**
 * `embedTexts` of one chunk. With `parts` > 1 and the sequence head, the chunk's length-sorted
 * batches are cut into `parts` contiguous runs embedded side by side and put back in text order.
 * A run re-sorts to the same order and so forms exactly the batches one call would: the same
 * numbers, bit for bit. Costs a second tokenisation of the chunk (on this thread, which has time
 * to spare while the workers run).
 */
export async function embedChunk(ckpt: Checkpoint, runner: FeatureRunner, texts: readonly string[], opts: ResolvedEmbedOptions, firstText: number, ids: readonly string[], parts: number): Promise<EmbedResult> {
  const batches = parts > 1 && opts.head === 'sequence' ? lengthBatches(encodeTexts(ckpt.tokenizer, texts, opts.maxLength, { firstIndex: firstText, ids }).ids.map((t) => t.length), opts.batchSize) : [];
  if (batches.length < 2) return embedTexts(ckpt, runner, texts, opts, firstText, ids);
  const runs: number[][] = [];
  for (let p = 0; p < parts; p++) {
    const run = batches.slice(Math.floor((p * batches.length) / parts), Math.floor(((p + 1) * batches.length) / parts)).flat();
    if (run.length > 0) runs.push(run);
  }
  const results = await Promise.all(runs.map((run) => embedTexts(ckpt, runner, run.map((i) => texts[i] as string), opts, firstText, run.map((i) => ids[i] as string))));
  return mergeSequenceRuns(texts.length, runs, results);
}

/** Puts per-run sequence results back in text order. */
function mergeSequenceRuns(n: number, runs: number[][], results: EmbedResult[]): EmbedResult {
  const first = results[0] as EmbedResult;
  const { dim, numOutputs } = first;
  const features = new Float32Array(n * dim);
  const logits = first.logits === null ? null : new Float32Array(n * numOutputs);
  const lengths = new Int32Array(n);
  const truncatedIndices: number[] = [];
  runs.forEach((run, p) => {
    const r = results[p] as EmbedResult;
    run.forEach((i, j) => {
      features.set(r.features.subarray(j * dim, (j + 1) * dim), i * dim);
      logits?.set((r.logits as Float32Array).subarray(j * numOutputs, (j + 1) * numOutputs), i * numOutputs);
      lengths[i] = r.lengths[j] as number;
    });
    for (const j of r.truncatedIndices) truncatedIndices.push(run[j] as number);
  });
  truncatedIndices.sort((a, b) => a - b);
  return { ...first, rows: n, features, logits, lengths, truncatedIndices };
}
