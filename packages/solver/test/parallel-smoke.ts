/** Run by parallel.test.ts under plain node (not vitest) to prove the worker starts from .ts sources. */
import { solveCrammerSingerParallel } from '../src/index.js';
import { makeBlobs } from './helpers.js';

const { x, y } = makeBlobs(300, 5, 3, 4);
const r = await solveCrammerSingerParallel({ data: x, shape: [300, 5] }, y, { C: 0.1, threads: 2 });
process.stdout.write(JSON.stringify({ stopReason: r.stopReason, primal: r.primalObjective }) + '\n');
