/** Run by parallel.test.ts under plain node (not vitest) to prove the worker starts from .ts sources. */
import { runParallel } from '../src/parallel.js';
import { makeBlobs } from './helpers.js';

const { x, y } = makeBlobs(300, 5, 3, 4);
// minSpeedup 0: start the workers even where 2 threads cannot reach MIN_THREAD_SPEEDUP.
const r = await runParallel({ data: x, shape: [300, 5] }, y, { C: 0.1, threads: 2 }, true, { minSpeedup: 0 });
process.stdout.write(JSON.stringify({ stopReason: r.stopReason, primal: r.primalObjective }) + '\n');
