import type { ExtractedChunk, FeatureSink, SinkInfo } from './types.js';

/** A `FeatureSink` that keeps chunks in memory (tests, benchmarks, small corpora). */
export interface MemorySink extends FeatureSink {
  readonly info: SinkInfo | null;
  /** Written chunks by corpus chunk index. */
  readonly chunks: Map<number, ExtractedChunk>;
  readonly ended: boolean;
}

/**
 * Creates an in-memory sink; `completed` pretends those chunks were written by an earlier run.
 *
 * @example
 * const sink = createMemorySink();
 * await extractFeatures(model, rows, sink);
 * sink.chunks.get(0)?.batch.features;
 */
export function createMemorySink(completed: Iterable<number> = []): MemorySink {
  const done = new Set(completed);
  const sink = {
    info: null as SinkInfo | null,
    chunks: new Map<number, ExtractedChunk>(),
    ended: false,
    async begin(info: SinkInfo) {
      sink.info = info;
      return done;
    },
    async writeChunk(chunk: ExtractedChunk) {
      sink.chunks.set(chunk.index, chunk);
    },
    async end() {
      sink.ended = true;
    },
  };
  return sink;
}
