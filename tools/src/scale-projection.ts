/**
 * Wall-time projection of a sharded feature-store build (docs/distributed.md, "Scale figures"),
 * from per-core rates measured by tools/bench/distributed-scale.ts. Pure arithmetic, so the
 * formula is tested and the bench prints its inputs next to its output.
 */

/** Inputs of `projectShardedBuild`; rates are per shard process on one core. */
export interface ShardedBuildInputs {
  /** Corpus texts (sequence head: one store row per text). */
  texts: number;
  /** Texts per corpus chunk, the unit shards are cut in (`dualxda cache`: 1024). */
  chunkRows: number;
  nodes: number;
  /** One shard process per core, ONNX Runtime intra-op threads 1. */
  coresPerNode: number;
  /** Mean tokens per text after truncation. */
  meanTokensPerText: number;
  /** Model throughput of one shard on one core (tokenisation included). */
  tokensPerSecondPerCore: number;
  /** Once per shard: reading the checkpoint and creating the ONNX session. */
  modelLoadSeconds: number;
  /** Store bytes per row (features plus labels, ids, texts and logits). */
  bytesPerRow: number;
  /** Store write rate of one shard (encode + hash + write), MB/s = 1e6 bytes/s. */
  storeWriteMBps: number;
  /** Finalize rate (one process reading and hashing every chunk), MB/s. */
  finalizeMBps: number;
  /** Aggregate bandwidth of the shared file system, MB/s; null = not a bottleneck. */
  sharedFsMBps: number | null;
}

/** Seconds per phase of the projected build; `totalSeconds` = shard phase + finalize. */
export interface ShardedBuildProjection {
  shards: number;
  chunks: number;
  /** The slowest shard owns the most chunks (shards get contiguous, near-equal chunk ranges). */
  textsPerShardMax: number;
  tokensPerShardMax: number;
  storeGB: number;
  extractSeconds: number;
  writeSeconds: number;
  /** Slowest shard: load + extract + write, or load + the file system's time for all bytes. */
  shardPhaseSeconds: number;
  finalizeSeconds: number;
  totalSeconds: number;
  totalHours: number;
  /** Core-hours of the shard phase (what the allocation is billed). */
  coreHours: number;
}

function check(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`projectShardedBuild: ${name} must be a positive finite number, got ${v}`);
}

/**
 * Projects the wall time of `dualxda cache --shard i/N` on `nodes × coresPerNode` shards
 * followed by one `cache finalize`. Scaling is taken as linear (no contention between the
 * shards of a node beyond what the per-core rate measured), stated in the docs.
 *
 * @example
 * const p = projectShardedBuild({ texts: 1e7, chunkRows: 1024, nodes: 16, coresPerNode: 16,
 *   meanTokensPerText: 120, tokensPerSecondPerCore: 300, modelLoadSeconds: 2, bytesPerRow: 3500,
 *   storeWriteMBps: 100, finalizeMBps: 500, sharedFsMBps: 1000 });
 * p.shards; // 256
 */
export function projectShardedBuild(inputs: ShardedBuildInputs): ShardedBuildProjection {
  const i = inputs;
  for (const key of ['texts', 'chunkRows', 'nodes', 'coresPerNode', 'meanTokensPerText', 'tokensPerSecondPerCore', 'bytesPerRow', 'storeWriteMBps', 'finalizeMBps'] as const) check(key, i[key]);
  if (!(i.modelLoadSeconds >= 0)) throw new RangeError(`projectShardedBuild: modelLoadSeconds must be >= 0, got ${i.modelLoadSeconds}`);
  if (i.sharedFsMBps !== null) check('sharedFsMBps', i.sharedFsMBps);
  const shards = i.nodes * i.coresPerNode;
  const chunks = Math.ceil(i.texts / i.chunkRows);
  const textsPerShardMax = Math.min(i.texts, Math.ceil(chunks / shards) * i.chunkRows);
  const tokensPerShardMax = textsPerShardMax * i.meanTokensPerText;
  const storeBytes = i.texts * i.bytesPerRow;
  const extractSeconds = tokensPerShardMax / i.tokensPerSecondPerCore;
  const writeSeconds = (textsPerShardMax * i.bytesPerRow) / (i.storeWriteMBps * 1e6);
  const fsSeconds = i.sharedFsMBps === null ? 0 : storeBytes / (i.sharedFsMBps * 1e6);
  const shardPhaseSeconds = i.modelLoadSeconds + Math.max(extractSeconds + writeSeconds, fsSeconds);
  // Finalize reads every chunk once: bounded by its own hashing rate or by the file system.
  const finalizeSeconds = Math.max(storeBytes / (i.finalizeMBps * 1e6), fsSeconds);
  const totalSeconds = shardPhaseSeconds + finalizeSeconds;
  return {
    shards,
    chunks,
    textsPerShardMax,
    tokensPerShardMax,
    storeGB: storeBytes / 1e9,
    extractSeconds,
    writeSeconds,
    shardPhaseSeconds,
    finalizeSeconds,
    totalSeconds,
    totalHours: totalSeconds / 3600,
    coreHours: (shards * shardPhaseSeconds) / 3600,
  };
}
