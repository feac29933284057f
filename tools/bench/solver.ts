/**
 * Benchmark: LIBLINEAR's CLI (`liblinear-train -s 4 -B 1 -e 1e-4`) vs @dualxda/solver (serial and
 * threaded) on the same synthetic data; prints one JSON document.
 *
 * Run from the repo root:
 *   node --conditions=@dualxda/source --import tsx tools/bench/solver.ts [--rows 60000,240000] [--dim 128] [--classes 10] [--C 0.001,0.1] [--threads 2,8] [--parse 0]
 *
 * LIBLINEAR's wall time includes parsing its text input (it has no binary input); its parse time
 * alone is estimated with `-s 4 -e 1e9` (one pass), reported as `liblinearParseSeconds`. CPU seconds
 * (`*CpuSeconds`: ours from process.cpuUsage, worker threads included; LIBLINEAR's from the child's
 * rusage) are reported next to wall times because the bench host is often shared; `loadAverage1m`
 * says how loaded it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { solveCrammerSinger, solveCrammerSingerParallel } from '@dualxda/solver';
import { primal, readLiblinearModel, writeLibsvm } from './liblinear-io.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

function makeData(n: number, d: number, K: number, seed: number): { x: Float32Array; y: Int32Array } {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const centers = Float64Array.from({ length: K * d }, () => 0.35 * gauss());
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u() * K);
    y[i] = k;
    // Rounded to 3 decimals and stored as float32; the text file prints the float32 value exactly
    // enough (9 significant digits) that both solvers see the same numbers.
    for (let j = 0; j < d; j++) x[i * d + j] = Math.round(((centers[k * d + j] as number) + gauss()) * 1e3) / 1e3;
  }
  return { x, y };
}

/** CPU seconds of this process (all its threads, workers included). */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds of waited-for children (Linux /proc: cutime + cstime at 100 ticks/s); NaN elsewhere. */
function childCpu(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Wall and CPU seconds of one `liblinear-train -s 4 -B 1` run. */
function runLiblinear(file: string, model: string, C: number, eps: string): { seconds: number; cpu: number } {
  const t0 = performance.now();
  const c0 = childCpu();
  execFileSync('liblinear-train', ['-q', '-s', '4', '-B', '1', '-e', eps, '-c', String(C), file, model]);
  return { seconds: (performance.now() - t0) / 1000, cpu: childCpu() - c0 };
}

/** Runs `f`, returning its value and the CPU seconds it used. */
async function withCpu<T>(f: () => T | Promise<T>): Promise<{ value: T; cpu: number }> {
  const c0 = ownCpu();
  const value = await f();
  return { value, cpu: ownCpu() - c0 };
}

async function main(): Promise<void> {
  const rowsList = arg('rows', '60000,240000').split(',').map(Number);
  const d = Number(arg('dim', '128'));
  const K = Number(arg('classes', '10'));
  const cList = arg('C', '0.001').split(',').map(Number);
  const threadList = arg('threads', '2').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'solver-bench-'));
  const results = [];
  try {
    for (const n of rowsList) {
      const { x, y } = makeData(n, d, K, 1234 + n);
      const file = join(dir, 'train.svm');
      await writeLibsvm(file, x, y, n, d);
      const model = join(dir, 'model');
      for (const C of cList) {
        const load = loadavg()[0];
        const parse = arg('parse', '1') === '1' ? runLiblinear(file, model, C, '1e9') : null;
        const llRun = runLiblinear(file, model, C, '1e-4');
        const llSeconds = llRun.seconds;
        const ll = readLiblinearModel(model, d);
        const llPrimal = primal(ll.w, ll.K, x, y, n, d, C);
        const { value: serial, cpu: serialCpu } = await withCpu(() => solveCrammerSinger({ data: x, shape: [n, d] }, y, { C }));
        const parallel = [];
        for (const threads of threadList) {
          const { value: par, cpu } = await withCpu(() => solveCrammerSingerParallel({ data: x, shape: [n, d] }, y, { C, threads }));
          parallel.push({
            threads,
            seconds: par.seconds,
            cpuSeconds: cpu,
            primal: par.primalObjective,
            passes: par.iterations,
            ratio: par.seconds / llSeconds,
            cpuRatio: cpu / llRun.cpu,
            primalRelDiff: (par.primalObjective - llPrimal) / llPrimal,
          });
        }
        const entry = {
          rows: n,
          dim: d,
          classes: K,
          C,
          loadAverage1m: load,
          liblinearSeconds: llSeconds,
          liblinearCpuSeconds: llRun.cpu,
          liblinearParseSeconds: parse?.seconds ?? null,
          liblinearParseCpuSeconds: parse?.cpu ?? null,
          liblinearPrimal: llPrimal,
          serialSeconds: serial.seconds,
          serialCpuSeconds: serialCpu,
          serialPrimal: serial.primalObjective,
          serialPasses: serial.iterations,
          serialRatio: serial.seconds / llSeconds,
          serialCpuRatio: serialCpu / llRun.cpu,
          primalRelDiffSerial: (serial.primalObjective - llPrimal) / llPrimal,
          parallel,
        };
        results.push(entry);
        process.stderr.write(JSON.stringify(entry) + '\n');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ bench: 'solver', node: process.version, results }, null, 2) + '\n');
}

await main();
