import { describe, expect, it } from 'vitest';
import { projectShardedBuild, type ShardedBuildInputs } from './scale-projection.js';

const base: ShardedBuildInputs = {
  texts: 10_000,
  chunkRows: 1000,
  nodes: 2,
  coresPerNode: 2,
  meanTokensPerText: 100,
  tokensPerSecondPerCore: 1000,
  modelLoadSeconds: 5,
  bytesPerRow: 1000,
  storeWriteMBps: 10,
  finalizeMBps: 20,
  sharedFsMBps: null,
};

describe('projectShardedBuild', () => {
  it('gives the slowest shard the rounded-up share of whole chunks', () => {
    // 10 chunks over 4 shards: ranges of 2, 3, 2, 3 chunks; the slowest has 3 = 3000 texts.
    const p = projectShardedBuild(base);
    expect(p.shards).toBe(4);
    expect(p.chunks).toBe(10);
    expect(p.textsPerShardMax).toBe(3000);
    expect(p.tokensPerShardMax).toBe(300_000);
  });

  it('adds load, extraction and write of the slowest shard, then finalize', () => {
    const p = projectShardedBuild(base);
    expect(p.extractSeconds).toBeCloseTo(300, 9); // 300k tokens at 1000 tokens/s
    expect(p.writeSeconds).toBeCloseTo(0.3, 9); // 3 MB at 10 MB/s
    expect(p.shardPhaseSeconds).toBeCloseTo(305.3, 9);
    expect(p.finalizeSeconds).toBeCloseTo(0.5, 9); // 10 MB at 20 MB/s
    expect(p.totalSeconds).toBeCloseTo(305.8, 9);
    expect(p.totalHours).toBeCloseTo(305.8 / 3600, 12);
    expect(p.coreHours).toBeCloseTo((4 * 305.3) / 3600, 12);
    expect(p.storeGB).toBeCloseTo(0.01, 12);
  });

  it('lets a slow shared file system bound both the shard phase and finalize', () => {
    const p = projectShardedBuild({ ...base, sharedFsMBps: 0.01 }); // 10 MB take 1000 s
    expect(p.shardPhaseSeconds).toBeCloseTo(1005, 9);
    expect(p.finalizeSeconds).toBeCloseTo(1000, 9);
  });

  it('never gives a shard more texts than the corpus holds', () => {
    const p = projectShardedBuild({ ...base, texts: 500, nodes: 1, coresPerNode: 1 });
    expect(p.textsPerShardMax).toBe(500);
  });

  it('refuses non-positive rates and counts, naming the input', () => {
    expect(() => projectShardedBuild({ ...base, tokensPerSecondPerCore: 0 })).toThrow(/tokensPerSecondPerCore/);
    expect(() => projectShardedBuild({ ...base, nodes: Number.NaN })).toThrow(/nodes/);
    expect(() => projectShardedBuild({ ...base, sharedFsMBps: -1 })).toThrow(/sharedFsMBps/);
    expect(() => projectShardedBuild({ ...base, modelLoadSeconds: -1 })).toThrow(/modelLoadSeconds/);
  });
});
