/**
 * @dualxda/tools: shared helpers for the benchmarks in tools/bench (which print one JSON line
 * each) and the fixture generators in tools/fixtures.
 *
 * @example
 * import { timeRuns, printBenchJson } from '@dualxda/tools';
 * printBenchJson('noop', { timing: await timeRuns(() => 0) });
 */
export { percentile, printBenchJson, summarize, timeRuns, trackPeakRss } from './bench-harness.js';
export type { TimingStats } from './bench-harness.js';
export { projectShardedBuild } from './scale-projection.js';
export type { ShardedBuildInputs, ShardedBuildProjection } from './scale-projection.js';
export { xdaFeatureForward } from './xda-forward.js';
