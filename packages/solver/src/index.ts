/**
 * @dualxda/solver: the multiclass Crammer–Singer linear SVM dual (LIBLINEAR `-s 4`) whose alpha
 * DualDA uses as training-data attributions. In-memory serial, out-of-core block and threaded modes.
 *
 * @example
 * import { solveCrammerSinger } from '@dualxda/solver';
 * const r = solveCrammerSinger({ data: new Float32Array([0, 1, 1, 0]), shape: [2, 2] }, new Int32Array([0, 1]), { C: 0.1 });
 * console.log(r.primalObjective, r.svIndices, r.svAlpha);
 */
export { solveCrammerSinger } from './solve.js';
export { solveCrammerSingerParallel } from './parallel.js';
export { solveCrammerSingerInWorker } from './solve-in-worker.js';
export { solveCrammerSingerAsync } from './solve-async.js';
export { solveCrammerSingerBlocks } from './block.js';
export type { BlockSource } from './block.js';
export { DEFAULT_SOLVER_OPTIONS, resolveSolverOptions } from './resolve-options.js';
export { SolverInputError, SolverNumericError } from './errors.js';
export { maxCForData } from './numeric-guards.js';
export { allocateSolverRows } from './row-memory.js';
export type * from './types.js';
