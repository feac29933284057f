import type { Shard, ShardSpec } from '../cli-options.js';
import { UsageError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where `--shard auto` found its index, for the log line. */
export interface ResolvedShard extends Shard {
  source: string;
}

function int(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`--shard auto: ${name}=${JSON.stringify(raw)} is not a non-negative integer`, 'run under the scheduler, or pass --shard i/N');
  return v;
}

function check(index: number, count: number, source: string): ResolvedShard {
  if (count < 1) throw new UsageError(`--shard auto: ${source} gives a shard count of ${count}`, 'pass the count: --shard auto/N');
  if (index >= count) throw new UsageError(`--shard auto: ${source} gives shard index ${index}, out of range 0..${count - 1}`, `shards are 0-based; with ${count} shards pass --shard auto/${count} and indices 0..${count - 1}`);
  return { index, count, source };
}

/**
 * Resolves `--shard i/N | auto | auto/N` against the scheduler's variables, so one job script
 * serves every scheduler. SLURM's task count is only trusted for an array of 0..N-1 with step 1:
 * a resubmitted single index (`sbatch --array=2`) reports a count of 1, so it needs `auto/N`.
 */
export function resolveShard(spec: ShardSpec | undefined, env: Env): ResolvedShard | undefined {
  if (spec === undefined) return undefined;
  if (!('auto' in spec)) return { ...spec, source: '--shard' };
  const fixed = spec.count;
  const slurm = int(env, 'SLURM_ARRAY_TASK_ID');
  if (slurm !== undefined) {
    if (fixed !== undefined) return check(slurm, fixed, 'SLURM_ARRAY_TASK_ID');
    const count = int(env, 'SLURM_ARRAY_TASK_COUNT');
    const min = int(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const max = int(env, 'SLURM_ARRAY_TASK_MAX');
    const step = int(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    if (count === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'pass the count: --shard auto/N');
    if (min !== 0 || step !== 1 || (max !== undefined && max !== count - 1)) {
      throw new UsageError(
        `--shard auto: this array is ${min}-${max ?? '?'}${step === 1 ? '' : `:${step}`}, not 0-${count - 1}, so its task count (${count}) is not the shard count`,
        'pass the shard count explicitly: --shard auto/N (e.g. when resubmitting one index with sbatch --array=I)',
      );
    }
    return check(slurm, count, 'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT');
  }
  const k8s = int(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) {
    if (fixed === undefined) throw new UsageError('--shard auto: JOB_COMPLETION_INDEX is set but Kubernetes does not expose the completion count', 'pass it: --shard auto/N with N = spec.completions');
    return check(k8s, fixed, 'JOB_COMPLETION_INDEX');
  }
  const seq = int(env, 'PARALLEL_SEQ');
  if (seq !== undefined) {
    // GNU parallel numbers jobs from 1.
    if (fixed === undefined) throw new UsageError('--shard auto: PARALLEL_SEQ is set but GNU parallel does not expose the job count', 'pass it: --shard auto/N');
    if (seq < 1) throw new UsageError('--shard auto: PARALLEL_SEQ must be >= 1', 'run under GNU parallel, or pass --shard i/N');
    return check(seq - 1, fixed, 'PARALLEL_SEQ');
  }
  throw new UsageError(
    '--shard auto: no scheduler index found (none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PARALLEL_SEQ is set)',
    'run it as a SLURM array task, a Kubernetes Indexed Job or under GNU parallel, or pass --shard i/N',
  );
}
