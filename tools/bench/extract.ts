/**
 * Benchmark: streaming feature extraction (`extractFeatures`) with the embedded checkpoint over
 * the committed corpus into a real FeatureStore; prints one JSON document with rows/s, tokens/s
 * and peak RSS.
 *
 * Run from the repo root:
 *   node --conditions=@dualxda/source --import tsx tools/bench/extract.ts \
 *     [--model packages/llm-adapter/assets/spam-bert] [--corpus packages/llm-adapter/assets/corpus/train.jsonl] \
 *     [--rows 1024] [--head sequence|token] [--max-length 128] [--batch-size 32] [--chunk-rows 256] \
 *     [--threads 0] [--workers 0] [--device cpu|cuda] [--scaling 3|0] [--python /usr/bin/python3|none] [--torch-batches 32]
 *
 * `--rows 0` = the whole corpus. Peak RSS is sampled every 50 ms (plus `process.resourceUsage`'s
 * maxRSS, which the kernel tracks exactly).
 *
 * `scaling` (issue 17 item 6; `--scaling N` repetitions, 0 skips it): the same extraction into a
 * store with 1 and 2 ORT intra-op threads and with 1 and 2 pool workers (`workers`: one
 * single-threaded session per worker thread, chunks pipelined), median of N, each with wall time,
 * process CPU time and the busiest thread's CPU time (/proc/self/task), and
 * `idleWallEstimateSeconds` = max(busiest thread, CPU / 2): what a quiet 2-core machine would
 * show (the shared box's wall times depend on the other users). Then `torch`: Debian
 * python3-torch eager (tools/bench/extract-torch-baseline.py) on the exact padded batches our
 * extraction ran, with 1 and 2 threads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  countTokenRows,
  createStoreSink,
  extractFeatures,
  openModel,
  readJsonlCorpus,
  type CorpusRow,
  type ExtractProgress,
  type FeatureSink,
} from '@dualxda/llm-adapter';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

const modelDir = arg('model', 'packages/llm-adapter/assets/spam-bert');
const corpusPath = arg('corpus', 'packages/llm-adapter/assets/corpus/train.jsonl');
const limit = Number(arg('rows', '1024'));
const head = arg('head', 'sequence') as 'sequence' | 'token';
const maxLength = Number(arg('max-length', '128'));
const batchSize = Number(arg('batch-size', '32'));
const chunkRows = Number(arg('chunk-rows', '256'));
const threads = Number(arg('threads', '0'));
const device = arg('device', 'cpu') as 'cpu' | 'cuda';
const workers = Number(arg('workers', '0'));
const scalingReps = Number(arg('scaling', '3'));
const python = arg('python', '/usr/bin/python3');
const torchBatches = Number(arg('torch-batches', '32'));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const rows: CorpusRow[] = [];
for await (const r of readJsonlCorpus(corpusPath)) {
  rows.push(r);
  if (limit > 0 && rows.length === limit) break;
}
const tLoad = performance.now();
const model = await openModel(modelDir, { executionProvider: device, intraOpThreads: threads });
const loadSeconds = (performance.now() - tLoad) / 1000;
const out = mkdtempSync(join(tmpdir(), 'bench-extract-'));
let last: ExtractProgress | null = null;
try {
  const sinkRows = head === 'token' ? (await countTokenRows(model, rows, { maxLength })).tokens : rows.length;
  // Wraps the store sink to count argmax(logits) == label: a sanity check of the embedded model.
  const store = createStoreSink(join(out, 'features.zarr'), { rows: sinkRows });
  let correct = 0;
  let scored = 0;
  const sink: FeatureSink = {
    begin: (info) => store.begin(info),
    end: () => store.end(),
    async writeChunk(chunk) {
      const { logits, labels } = chunk.batch;
      const k = logits === undefined ? 0 : logits.length / labels.length;
      for (let r = 0; logits !== undefined && r < labels.length; r++) {
        let best = 0;
        for (let j = 1; j < k; j++) if ((logits[r * k + j] as number) > (logits[r * k + best] as number)) best = j;
        correct += best === labels[r] ? 1 : 0;
        scored++;
      }
      await store.writeChunk(chunk);
    },
  };
  const result = await extractFeatures(model, rows, sink, {
    head,
    maxLength,
    batchSize,
    chunkRows,
    totalRows: rows.length,
    workers,
    onProgress: (p) => {
      last = p;
      process.stderr.write(`\r${p.textsDone}/${rows.length} texts, ${p.rowsPerSecond.toFixed(0)} rows/s, ETA ${p.etaSeconds?.toFixed(0) ?? '?'} s   `);
    },
  });
  process.stderr.write('\n');
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const maxRssKernel = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify(
      {
        bench: 'extract',
        model: modelDir,
        executionProvider: model.runner.executionProvider,
        head,
        texts: result.textsProcessed,
        rows: result.rowsWritten,
        tokens: result.tokens,
        truncated: result.truncated.length,
        dim: result.dim,
        maxLength,
        batchSize,
        chunkRows,
        loadSeconds,
        seconds: result.seconds,
        rowsPerSecond: result.rowsWritten / result.seconds,
        tokensPerSecond: result.tokens / result.seconds,
        lastProgress: last,
        accuracy: scored === 0 ? null : correct / scored,
        peakRssMiB: Math.max(peakRss, maxRssKernel) / 2 ** 20,
        workers,
        ...(scalingReps > 0 && device === 'cpu' && head === 'sequence' ? await scaling(out) : {}),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  await model.release();
  rmSync(out, { recursive: true, force: true });
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
}

/** CPU seconds per thread of this process (Linux /proc; empty elsewhere). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, clock ticks of 10 ms
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return out;
}


/** 1 vs 2 intra-op threads and 1 vs 2 pool workers on the same texts, then torch on the same batches. */
async function scaling(dir: string): Promise<Record<string, unknown>> {
  const configs = [
    { name: 'intraOp1', intraOpThreads: 1, workers: 0 },
    { name: 'intraOp2', intraOpThreads: 2, workers: 0 },
    { name: 'workers1', intraOpThreads: 1, workers: 1 },
    { name: 'workers2', intraOpThreads: 1, workers: 2 },
  ];
  const res: Record<string, Record<string, number>> = {};
  let tokens = 0;
  let batchesFile = '';
  for (const c of configs) {
    const m = await openModel(modelDir, { intraOpThreads: c.intraOpThreads });
    const walls: number[] = [];
    const cpus: number[] = [];
    const maxThreads: number[] = [];
    const estimates: number[] = [];
    // The first intraOp1 pass records the padded batches for the torch baseline.
    const batches: Buffer[] = [];
    const recording = c.name === 'intraOp1' && batchesFile === '';
    const model = recording
      ? {
          ...m,
          runner: {
            ...m.runner,
            run: (b: Parameters<typeof m.runner.run>[0], want: Parameters<typeof m.runner.run>[1]) => {
              const head = Buffer.from(Int32Array.of(b.rows, b.seqLen).buffer);
              batches.push(head, Buffer.from(b.inputIds.buffer, b.inputIds.byteOffset, b.inputIds.byteLength), Buffer.from(b.attentionMask.buffer, b.attentionMask.byteOffset, b.attentionMask.byteLength));
              return m.runner.run(b, want);
            },
          },
        }
      : m;
    for (let r = 0; r < scalingReps + 1; r++) {
      const store = createStoreSink(join(dir, `scaling-${c.name}-${r}.zarr`), { rows: rows.length });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const th0 = threadCpu();
      // Pool workers end with the call, so threads are sampled during it (last value seen wins).
      const seen = new Map<string, number>();
      const sample = (): void => {
        for (const [tid, v] of threadCpu()) seen.set(tid, v - (th0.get(tid) ?? 0));
      };
      const timer = setInterval(sample, 25);
      const result = await extractFeatures(r === 0 ? m : model, rows, store, { head, maxLength, batchSize, chunkRows, totalRows: rows.length, workers: c.workers, onProgress: sample });
      clearInterval(timer);
      sample();
      const wall = (performance.now() - t0) / 1000;
      const u = process.cpuUsage(c0);
      const cpu = (u.user + u.system) / 1e6;
      const busiest = Math.max(0, ...seen.values());
      tokens = result.tokens;
      if (r === 0) continue; // warm-up (and the batches are recorded on the first timed pass)
      walls.push(wall);
      cpus.push(cpu);
      maxThreads.push(busiest);
      estimates.push(Math.max(busiest, cpu / 2));
      if (recording && r === 1) {
        batchesFile = join(dir, 'batches.bin');
        // torch eager is ~5-10× slower: it gets the first `--torch-batches` batches (whole chunks
        // of length-sorted texts, so the same mix of lengths); tokens/s compare.
        writeFileSync(batchesFile, Buffer.concat(batches.slice(0, 3 * torchBatches)));
      }
    }
    await m.release();
    res[c.name] = {
      seconds: median(walls),
      cpuSeconds: median(cpus),
      busiestThreadCpuSeconds: median(maxThreads),
      idleWallEstimateSeconds: median(estimates),
      tokensPerSecond: tokens / median(walls),
      tokensPerCpuSecond: tokens / median(cpus),
      idleTokensPerSecondEstimate: tokens / median(estimates),
    };
  }
  const ratio = (a: string, b: string, k: string): number => +((res[a]?.[k] as number) / (res[b]?.[k] as number)).toFixed(3);
  let torch: unknown = 'skipped (--python none)';
  if (python !== 'none') try {
    const script = new URL('./extract-torch-baseline.py', import.meta.url).pathname;
    const env = { ...process.env, OMP_NUM_THREADS: '2', MKL_NUM_THREADS: '2' };
    torch = JSON.parse(execFileSync(python, [script, modelDir, batchesFile, '1,2', String(scalingReps)], { encoding: 'utf8', env }));
  } catch (e) {
    torch = `failed: ${(e as Error).message.split('\n')[0]}`;
  }
  const t = typeof torch === 'object' ? (torch as { threads: Record<string, { tokensPerSecond: number; tokensPerCpuSecond: number }> }).threads : null;
  return {
    scaling: {
      reps: scalingReps,
      tokens,
      loadAverage1m: loadavg()[0],
      configs: res,
      // Speed-ups of the second thread (> 1 = faster): measured wall, and on a quiet 2-core machine.
      intraOp2VsIntraOp1Wall: ratio('intraOp1', 'intraOp2', 'seconds'),
      intraOp2VsIntraOp1IdleEstimate: ratio('intraOp1', 'intraOp2', 'idleWallEstimateSeconds'),
      workers2VsIntraOp1Wall: ratio('intraOp1', 'workers2', 'seconds'),
      workers2VsIntraOp1IdleEstimate: ratio('intraOp1', 'workers2', 'idleWallEstimateSeconds'),
      workers2VsWorkers1IdleEstimate: ratio('workers1', 'workers2', 'idleWallEstimateSeconds'),
    },
    torch,
    vsTorch:
      t === null
        ? null
        : {
            // ours / torch tokens per second at the same thread count (> 1 = ours faster)
            oneThreadWall: +((res.intraOp1?.tokensPerSecond as number) / (t['1']?.tokensPerSecond as number)).toFixed(3),
            oneThreadPerCpuSecond: +((res.intraOp1?.tokensPerCpuSecond as number) / (t['1']?.tokensPerCpuSecond as number)).toFixed(3),
            twoThreadsWall: +((res.workers2?.tokensPerSecond as number) / (t['2']?.tokensPerSecond as number)).toFixed(3),
            twoThreadsPerCpuSecond: +((res.workers2?.tokensPerCpuSecond as number) / (t['2']?.tokensPerCpuSecond as number)).toFixed(3),
          },
  };
}
