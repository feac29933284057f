/** Messages between the threaded solver and its shard workers (plain structured-clone data). */

/** workerData of a shard worker; the typed arrays are views on SharedArrayBuffers. */
export interface ShardInit {
  /** D − 1 features per row (x̃ = [x ; bias]). */
  x: Float32Array | Float64Array;
  bias: number;
  q: Float64Array;
  y: Int32Array;
  alpha: Float64Array;
  w: Float64Array;
  K: number;
  D: number;
  C: number;
  start: number;
  end: number;
  seed: number;
  shrinking: boolean;
  /** Shared flags, one per worker: set to 1 once the worker has booted (see parallel.ts). */
  ready: Int32Array;
  index: number;
}

/**
 * Run one pass over the shard's active rows, first re-activating all of them when asked; or, with
 * `probe`, only time the K dot products of every shard row (read-only, for the scaling measurement).
 */
export interface ShardRequest {
  reactivate: boolean;
  probe?: boolean;
}

/** Result of one shard pass (a probe reports zeros). */
export interface ShardReply {
  viol: number;
  sumAlphaYDelta: number;
  active: number;
}

/** Splits rows [0, n) into `parts` contiguous ranges (each is also a FeatureStore row range). */
export function shardRanges(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = 0; t < parts; t++) out.push([Math.floor((t * n) / parts), Math.floor(((t + 1) * n) / parts)]);
  return out;
}
