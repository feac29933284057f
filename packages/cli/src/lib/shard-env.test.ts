import { describe, expect, it } from 'vitest';
import { parseShard } from '../cli-options.js';
import { resolveShard } from './shard-env.js';

const auto = parseShard('auto', '--shard');

describe('--shard auto', () => {
  it('reads a SLURM array 0..N-1', () => {
    const env = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_STEP: '1' };
    expect(resolveShard(auto, env)).toEqual({ index: 2, count: 4, source: 'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT' });
  });

  it('refuses a resubmitted single index unless the count is given, then uses the absolute task id', () => {
    const env = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '1' };
    expect(() => resolveShard(auto, env)).toThrow(/this array is 1-1, not 0-0[\s\S]*/);
    expect(resolveShard(parseShard('auto/4', '--shard'), env)).toMatchObject({ index: 1, count: 4 });
    expect(() => resolveShard(parseShard('auto/1', '--shard'), env)).toThrow(/shard index 1, out of range 0..0/);
  });

  it('reads Kubernetes and GNU parallel indices with an explicit count', () => {
    expect(resolveShard(parseShard('auto/16', '--shard'), { JOB_COMPLETION_INDEX: '15' })).toMatchObject({ index: 15, count: 16, source: 'JOB_COMPLETION_INDEX' });
    expect(() => resolveShard(auto, { JOB_COMPLETION_INDEX: '3' })).toThrow(/does not expose the completion count/);
    expect(resolveShard(parseShard('auto/8', '--shard'), { PARALLEL_SEQ: '1' })).toMatchObject({ index: 0, count: 8, source: 'PARALLEL_SEQ' });
    expect(() => resolveShard(parseShard('auto/8', '--shard'), { PARALLEL_SEQ: '9' })).toThrow(/out of range 0..7/);
  });

  it('fails clearly outside a scheduler or on garbage, and passes i/N through', () => {
    expect(() => resolveShard(auto, {})).toThrow(/no scheduler index found \(none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PARALLEL_SEQ is set\)/);
    expect(() => resolveShard(auto, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' })).toThrow(/SLURM_ARRAY_TASK_ID="x" is not a non-negative integer/);
    expect(resolveShard(parseShard('1/3', '--shard'), { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 1, count: 3, source: '--shard' });
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '0' })).toBeUndefined();
    expect(() => parseShard('auto/0', '--shard')).toThrow(/shard count must be >= 1/);
  });
});
