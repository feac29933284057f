/**
 * Benchmark: streaming feature extraction (`extractFeatures`) with the embedded checkpoint over
 * the committed corpus into a real FeatureStore; prints one JSON document with rows/s, tokens/s
 * and peak RSS.
 *
 * Run from the repo root:
 *   node --conditions=@dualxda/source --import tsx tools/bench/extract.ts \
 *     [--model packages/llm-adapter/assets/spam-bert] [--corpus packages/llm-adapter/assets/corpus/train.jsonl] \
 *     [--rows 1024] [--head sequence|token] [--max-length 128] [--batch-size 32] [--chunk-rows 256] \
 *     [--threads 0] [--device cpu|cuda]
 *
 * `--rows 0` = the whole corpus. Peak RSS is sampled every 50 ms (plus `process.resourceUsage`'s
 * maxRSS, which the kernel tracks exactly).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
