import { createMemorySink, extractFeatures, openModel, readJsonlCorpus, type CorpusRow } from './src/index.js';
const rows: CorpusRow[] = [];
for await (const r of readJsonlCorpus('assets/corpus/train.jsonl')) { rows.push(r); if (rows.length === 64) break; }
const m = await openModel('assets/tiny-llama', { intraOpThreads: 1 });
for (const head of ['sequence', 'token'] as const) {
  const t = performance.now();
  const r = await extractFeatures(m, rows, createMemorySink(), { head, maxLength: 64, chunkRows: 256 });
  console.log(head, r.tokens, (performance.now() - t) / 1000);
}
