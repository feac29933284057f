/**
 * @dualxda/dashboard: the browser app `dualxda serve` ships. The package entry exposes only the
 * DOM-free services (used by tests and by anyone embedding the API client); the app itself is
 * built by Vite from src/main.tsx.
 *
 * @example
 * import { createApiClient } from '@dualxda/dashboard';
 * const api = createApiClient('http://127.0.0.1:4173', fetch);
 * const { classNames } = await api.summary();
 */
export const PACKAGE_NAME = '@dualxda/dashboard';
export { ApiError, createApiClient, testListQuery } from './services/api-client.js';
export type { ApiClient, FetchLike, TestFilters } from './services/api-client.js';
export { createTestListStore, NO_FILTERS, PAGE_SIZE } from './services/test-list-store.js';
export type { TestListSnapshot, TestListStore } from './services/test-list-store.js';
export { formatRoute, parseRoute } from './services/route.js';
export type { Route } from './services/route.js';
export { computeWindow } from './services/virtual-window.js';
export type { VirtualWindow } from './services/virtual-window.js';
export { divergingColor, maxAbs, textColorFor } from './services/heatmap-colors.js';
export { formatPercent, formatScore } from './services/format.js';
export type * from './lib/api-types.js';
