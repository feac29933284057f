/** Typed access to the server's JSON API; `fetch` is injectable so services test without a server. */
import type { GlobalView, Summary, TestDetail, TestListPage, TrainDetail, XdaResponse } from '../lib/api-types.js';

/** The subset of `fetch` the client uses. */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Error with the server's message (`{ error }` body) and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Filters of the test list. */
export interface TestFilters {
  q: string;
  pred: number | null;
  label: number | null;
  misclassified: boolean;
}

/** Query string of a test-list page request (empty filters are left out). */
export function testListQuery(f: TestFilters, offset: number, limit: number): string {
  const p = new URLSearchParams();
  if (f.q.trim() !== '') p.set('q', f.q.trim());
  if (f.pred !== null) p.set('pred', String(f.pred));
  if (f.label !== null) p.set('label', String(f.label));
  if (f.misclassified) p.set('misclassified', '1');
  p.set('offset', String(offset));
  p.set('limit', String(limit));
  return p.toString();
}

/** API client bound to one base URL. */
export interface ApiClient {
  summary(): Promise<Summary>;
  tests(f: TestFilters, offset: number, limit: number, signal?: AbortSignal): Promise<TestListPage>;
  test(row: number, k: number, target?: number): Promise<TestDetail>;
  train(row: number, k: number): Promise<TrainDetail>;
  /** Heatmaps and budget of a pair for class `target` (default: the model's prediction). */
  xda(test: number, train: number, target?: number): Promise<XdaResponse>;
  global(limit: number): Promise<GlobalView>;
}

/**
 * Creates a client; `base` is '' for same-origin.
 *
 * @example
 * const api = createApiClient('', fetch);
 * const s = await api.summary();
 */
export function createApiClient(base: string, fetchImpl: FetchLike): ApiClient {
  const get = async <T>(path: string, signal?: AbortSignal): Promise<T> => {
    const res = await fetchImpl(`${base}${path}`, signal === undefined ? undefined : { signal });
    const body = (await res.json()) as unknown;
    if (!res.ok) {
      const msg = typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${res.status}`;
      throw new ApiError(res.status, msg);
    }
    return body as T;
  };
  return {
    summary: () => get<Summary>('/api/summary'),
    tests: (f, offset, limit, signal) => get<TestListPage>(`/api/tests?${testListQuery(f, offset, limit)}`, signal),
    test: (row, k, target) => get<TestDetail>(`/api/tests/${row}?k=${k}${target === undefined ? '' : `&class=${target}`}`),
    train: (row, k) => get<TrainDetail>(`/api/train/${row}?k=${k}`),
    xda: (test, train, target) => get<XdaResponse>(`/api/xda?test=${test}&train=${train}${target === undefined ? '' : `&class=${target}`}`),
    global: (limit) => get<GlobalView>(`/api/global?limit=${limit}`),
  };
}
