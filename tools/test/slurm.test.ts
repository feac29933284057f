import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, clusterScript, jobRecords, repoRoot, run, sbatch, summarize, waitForJobs } from './slurm-cluster.js';
import { compareStores } from './store-diff.js';

/**
 * Issue 18: the SLURM recipe of docs/distributed.md (tools/slurm/*.sbatch, submit.sh) run as real
 * jobs on a real single-node cluster (tools/slurm/cluster.sh), compared byte for byte with an
 * unsharded build, plus a failure drill: one array task cancelled mid-work and resubmitted alone.
 * Never skipped: without a cluster (and no root to start one) it fails with the command to run.
 */
const SHARDS = 3;
const assets = resolve(repoRoot, 'packages/llm-adapter/assets');
const model = resolve(assets, 'spam-bert');
const train = resolve(assets, 'corpus/train.jsonl');
const test = resolve(assets, 'corpus/test.jsonl');
const slurmDir = resolve(repoRoot, 'tools/slurm');
const bin = resolve(repoRoot, 'packages/cli/bin/dualxda.js');
const EXPLAIN = ['--limit', '8', '--top-k', '3'];
const JOB_TIMEOUT_MS = 420_000;

// Jobs are started by slurmd, not by this process: niceness and the CLI path travel in DUALXDA,
// which sbatch exports to the job (--export=ALL is its default).
const env = { ...process.env, DUALXDA: `nice -n 10 ${process.execPath} ${bin}` };
const dualxda = (args: string[], timeoutMs = 180_000) => check('nice', ['-n', '10', process.execPath, bin, ...args], { timeoutMs });

let work = '';
let startedCluster = false;
let unsharded = '';
/** Every job this file submitted, cancelled in afterAll in case a failed test left some queued. */
const submitted: string[] = [];
const submit = async (args: string[], cwd: string) => {
  const id = await sbatch(args, { cwd, env });
  submitted.push(id);
  return id;
};

/** Log file of a job (the scripts write %x-%A_%a.out / %x-%j.out into the submit directory). */
async function jobLog(dir: string, name: string): Promise<string> {
  return readFile(join(dir, name), 'utf8').catch(() => `(no ${name})`);
}

beforeAll(async () => {
  const up = await run('bash', [clusterScript, 'up'], { timeoutMs: 300_000 });
  if (up.code !== 0) {
    throw new Error(
      `no SLURM cluster: tools/slurm/cluster.sh up failed (${up.code}).\n${up.stderr}\n` +
        `Run as root (installs slurmctld slurmd slurm-client munge with apt-get if missing): sudo ${clusterScript} up`,
    );
  }
  startedCluster = up.stdout.includes('cluster: started');
  work = await mkdtemp(join(tmpdir(), 'dualxda-slurm-'));
  // Every store sits at the same depth, so the relative modelDir in dualxda-run.json matches.
  unsharded = join(work, 'unsharded', 'store');
  await mkdir(join(work, 'unsharded'));
  await dualxda(['cache', '--model', model, '--data', train, '--out', unsharded, '--quiet']);
}, 420_000);

afterAll(async () => {
  if (submitted.length > 0) {
    await run('timeout', ['10', 'scancel', ...submitted]);
    await waitForJobs(submitted, 30_000).catch(() => undefined);
  }
  if (work !== '') await rm(work, { recursive: true, force: true });
  if (startedCluster) await check('bash', [clusterScript, 'down'], { timeoutMs: 60_000 });
}, 120_000);

/** Chunk range [first, last) of shard `index` (docs/distributed.md: contiguous, balanced, chunk-aligned). */
async function shardChunks(index: number): Promise<{ first: number; last: number }> {
  const spec = JSON.parse(await readFile(join(unsharded, 'dualxda-build.json'), 'utf8')) as { rows: number; chunkRows: number };
  const chunks = Math.ceil(spec.rows / spec.chunkRows);
  return { first: Math.floor((index * chunks) / SHARDS), last: Math.floor(((index + 1) * chunks) / SHARDS) };
}

describe('dualxda on a real SLURM cluster (tools/slurm)', () => {
  it(`submit.sh: ${SHARDS}-task array -> finalize -> fit -> explain equals the unsharded build`, async () => {
    const dir = join(work, 'pipeline');
    await mkdir(dir);
    const store = join(dir, 'store');
    const out = join(dir, 'explanations.jsonl');
    const ids = await check(join(slurmDir, 'submit.sh'), [model, train, store, String(SHARDS), test, out, ...EXPLAIN], { cwd: dir, env });
    const jobs = Object.fromEntries([...ids.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], m[2] as string]));
    submitted.push(...Object.values(jobs));
    expect(Object.keys(jobs)).toEqual(['build', 'finalize', 'fit', 'explain']);
    const all = Object.values(jobs);
    await waitForJobs(all, JOB_TIMEOUT_MS);

    const records = (await Promise.all(all.map(jobRecords))).flat();
    const logs = await Promise.all(Array.from({ length: SHARDS }, (_, i) => i).map((i) => jobLog(dir, `dualxda-cache-${jobs['build']}_${i}.out`)));
    expect(summarize(records), logs.join('\n')).toEqual(
      [...Array.from({ length: SHARDS }, (_, i) => `dualxda-cache[${i}] COMPLETED 0:0`), 'dualxda-explain COMPLETED 0:0', 'dualxda-finalize COMPLETED 0:0', 'dualxda-fit COMPLETED 0:0'].sort(),
    );
    // Each task really was shard i of N, found by --shard auto from the array's variables.
    for (const [i, log] of logs.entries()) expect(log).toContain(`shard ${i}/${SHARDS}`);

    // The unsharded reference: same commands, one process, no scheduler.
    const reference = join(work, 'unsharded', 'explanations.jsonl');
    await dualxda(['fit', unsharded, '--quiet']);
    await dualxda(['explain', unsharded, '--test', test, '--out', reference, ...EXPLAIN, '--quiet']);

    const cmp = await compareStores(unsharded, store);
    expect(cmp.differences).toEqual([]);
    expect(cmp.files).toBeGreaterThan(20);
    const [a, b] = await Promise.all([readFile(reference), readFile(out)]);
    expect(b.length).toBeGreaterThan(0);
    expect(b.equals(a)).toBe(true);
  }, 600_000);

  it('failure drill: a task scancel-ed mid-shard and resubmitted alone resumes; the store is identical', async () => {
    const dir = join(work, 'drill');
    await mkdir(dir);
    const store = join(dir, 'store');
    const victim = 1;
    const { first, last } = await shardChunks(victim);
    expect(last - first, 'the drill needs a shard of at least two chunks').toBeGreaterThanOrEqual(2);

    const build = await submit([`--array=0-${SHARDS - 1}`, join(slurmDir, 'build.sbatch'), model, train, store], dir);
    // Cancel the victim as soon as its first chunk is complete: it is then inside its second one.
    const firstDone = join(store, 'checksums', `${first}.json`);
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    while (!existsSync(firstDone)) {
      if (Date.now() > deadline) throw new Error(`chunk ${first} never completed:\n${await jobLog(dir, `dualxda-cache-${build}_${victim}.out`)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await check('timeout', ['10', 'scancel', `${build}_${victim}`]);
    await waitForJobs([build], JOB_TIMEOUT_MS);
    // The victim was cancelled (its exit code depends on the signal's timing), the others finished.
    const states = (await jobRecords(build)).map((r) => `${r.arrayTaskId}:${r.state === 'COMPLETED' ? `COMPLETED ${r.exitCode}` : r.state}`).sort();
    expect(states, await jobLog(dir, `dualxda-cache-${build}_${victim}.out`)).toEqual(Array.from({ length: SHARDS }, (_, i) => `${i}:${i === victim ? 'CANCELLED' : 'COMPLETED 0:0'}`));

    // A half-built store is refused, naming the shard.
    const refused = await run(process.execPath, [bin, 'cache', 'finalize', store], { timeoutMs: 120_000 });
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`shard ${victim}/${SHARDS}`);

    // Resubmit that index alone: its task count is 1, so the script is given N (--shard auto/N).
    const again = await submit([`--array=${victim}`, join(slurmDir, 'build.sbatch'), model, train, store, String(SHARDS)], dir);
    await waitForJobs([again], JOB_TIMEOUT_MS);
    const log = await jobLog(dir, `dualxda-cache-${again}_${victim}.out`);
    expect(summarize(await jobRecords(again)), log).toEqual([`dualxda-cache[${victim}] COMPLETED 0:0`]);
    const marker = JSON.parse(await readFile(join(store, 'shards', `${victim}-of-${SHARDS}.json`), 'utf8')) as { chunksSkipped: number; chunksWritten: number; complete: boolean };
    // Resumed mid-shard: the finished chunk was skipped, only the rest was embedded.
    expect(marker.chunksSkipped, log).toBeGreaterThanOrEqual(1);
    expect(marker.chunksWritten, log).toBeGreaterThanOrEqual(1);
    expect(marker.chunksSkipped + marker.chunksWritten).toBe(last - first);
    expect(marker.complete).toBe(true);
    expect(log).toMatch(new RegExp(`\\(${marker.chunksSkipped} chunks? already done\\)`));

    const finalize = await submit([`--dependency=afterok:${again}`, join(slurmDir, 'finalize.sbatch'), store], dir);
    await waitForJobs([finalize], JOB_TIMEOUT_MS);
    expect(summarize(await jobRecords(finalize)), await jobLog(dir, `dualxda-finalize-${finalize}.out`)).toEqual(['dualxda-finalize COMPLETED 0:0']);

    // The drill store is not fitted: compare the feature store itself.
    const cmp = await compareStores(unsharded, store, (f) => f.startsWith('dualda/'));
    expect(cmp.differences).toEqual([]);
    expect(cmp.normalised).toEqual(['zarr.json']);
  }, 600_000);
});
