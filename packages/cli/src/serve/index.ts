/**
 * `dualxda serve`: the dashboard's HTTP API and static server.
 *
 * @example
 * import { startDashboardServer } from './serve/index.js';
 * const server = await startDashboardServer({ store: 'runs/demo/train' });
 * console.log(server.url); // http://127.0.0.1:4173/
 */
export { startDashboardServer, MAX_URL_CHARS } from './server.js';
export type { DashboardServer } from './server.js';
export { DEFAULT_SERVE_OPTIONS, resolveServeOptions, defaultAssetsDir } from './serve-options.js';
export type { ServeOptions, ResolvedServeOptions } from './serve-options.js';
export { openDashboardData, resolveDashboardPaths, trainSourceFromStore, testSourceFromStore } from './open-data.js';
export type { DashboardPaths, XdaFactory } from './open-data.js';
export { createMemoryFeatureStore, createMemoryTrainSource, createMemoryTestSource } from './memory-store.js';
export type { MemoryColumns } from './memory-store.js';
export type { DashboardData, SurrogateModel, TestSource, TrainSource, XdaProvider } from './types.js';
