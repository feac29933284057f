import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Thin wrappers over the SLURM client commands for tools/test/slurm.test.ts. Every client call is
 * bounded by a timeout (they hang for seconds against a dead daemon), and waiting uses squeue plus
 * `scontrol -o show job`, because sacct needs an accounting database this cluster does not run.
 */
export const repoRoot = resolve(import.meta.dirname, '../..');
export const clusterScript = resolve(repoRoot, 'tools/slurm/cluster.sh');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion; never rejects, so callers can put its output in assertions. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      done({ code, stdout, stderr: err !== null && err.killed ? `${stderr}\n(killed after ${options.timeoutMs ?? 30_000} ms)` : stderr });
    });
  });
}

/** Like `run`, but a non-zero exit is an error carrying the output. */
export async function check(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `sbatch --parsable ...` → the job id. */
export async function sbatch(args: readonly string[], options: RunOptions): Promise<string> {
  const out = await check('timeout', ['20', 'sbatch', '--parsable', ...args], options);
  const id = out.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed no job id: ${out}`);
  return id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls squeue until none of `jobs` (array tasks included) is pending or running. */
export async function waitForJobs(jobs: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await run('timeout', ['10', 'squeue', '-h', '-o', '%i %T', '-j', jobs.join(',')]);
    // A job purged from the controller (MinJobAge) is reported as an invalid id: it is done too.
    if (r.code !== 0 && !/invalid job id/i.test(r.stderr)) throw new Error(`squeue failed (${r.code}): ${r.stderr}`);
    if (r.stdout.trim() === '') return;
    if (Date.now() > deadline) throw new Error(`jobs ${jobs.join(',')} still queued after ${timeoutMs} ms:\n${r.stdout}`);
    await sleep(250);
  }
}

/** One record of `scontrol -o show job`: a plain job or one array task. */
export interface JobRecord {
  jobId: string;
  arrayTaskId: string | null;
  name: string;
  state: string;
  exitCode: string;
}

/** State and exit code of a job or of every task of an array job (kept ~300 s after it ends). */
export async function jobRecords(job: string): Promise<JobRecord[]> {
  const out = await check('timeout', ['10', 'scontrol', '-o', 'show', 'job', job]);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const field = (key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1] ?? null;
      return {
        jobId: field('JobId') ?? '?',
        arrayTaskId: field('ArrayTaskId'),
        name: field('JobName') ?? '?',
        state: field('JobState') ?? '?',
        exitCode: field('ExitCode') ?? '?',
      };
    });
}

/** `name[task] STATE exit` per record, sorted: compact and readable in an assertion diff. */
export function summarize(records: readonly JobRecord[]): string[] {
  return records.map((r) => `${r.name}${r.arrayTaskId === null ? '' : `[${r.arrayTaskId}]`} ${r.state} ${r.exitCode}`).sort();
}
