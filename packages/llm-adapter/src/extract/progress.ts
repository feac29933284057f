import type { ExtractProgress } from './types.js';

/** Running totals and rates for `extractFeatures`. */
export interface ProgressMeter {
  chunk(texts: number, rows: number, tokens: number): void;
  skip(): void;
  elapsed(): number;
}

/**
 * Reports rows/s, tokens/s and an ETA (from the chunk rate, when the chunk total is known).
 * Skipped (already complete) chunks count toward the total but not toward the rates.
 *
 * @example
 * const meter = createProgressMeter(10, (p) => console.log(p.etaSeconds));
 */
export function createProgressMeter(chunksTotal: number | null, onProgress: ((p: ExtractProgress) => void) | null, now: () => number = () => performance.now()): ProgressMeter {
  const t0 = now();
  const p: ExtractProgress = {
    textsDone: 0, rowsDone: 0, tokensDone: 0, chunksDone: 0, chunksSkipped: 0, chunksTotal,
    elapsedSeconds: 0, rowsPerSecond: 0, tokensPerSecond: 0, etaSeconds: null,
  };
  const emit = (): void => {
    p.elapsedSeconds = (now() - t0) / 1000;
    const s = Math.max(p.elapsedSeconds, 1e-9);
    p.rowsPerSecond = p.rowsDone / s;
    p.tokensPerSecond = p.tokensDone / s;
    const left = chunksTotal === null ? null : Math.max(0, chunksTotal - p.chunksDone - p.chunksSkipped);
    p.etaSeconds = left === null || p.chunksDone === 0 ? null : (left * p.elapsedSeconds) / p.chunksDone;
    onProgress?.({ ...p });
  };
  return {
    chunk(texts, rows, tokens) {
      p.textsDone += texts;
      p.rowsDone += rows;
      p.tokensDone += tokens;
      p.chunksDone++;
      emit();
    },
    skip() {
      p.chunksSkipped++;
      emit();
    },
    elapsed: () => (now() - t0) / 1000,
  };
}
