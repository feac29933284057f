/** Typed access to the server's JSON API; `fetch` is injectable so services test without a server. */
import type { GlobalView, Summary, TestDetail, TestListPage, TextDetail, TrainDetail, TrainListItem, TrainListPage, XdaResponse } from '../lib/api-types.js';

/** The subset of `fetch` the client uses. */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text?(): Promise<string> }>;

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
  /** Sort key (`margin`, `-loss` = descending, …); absent = row order. */
  sort?: string;
}

/**
 * Query string of a list page: the search, `extra` filters (undefined ones left out), the sort
 * (`-key` = descending) as `sort=key&order=`, then the page.
 */
function listQuery(q: string, extra: Record<string, string | undefined>, sort: string | undefined, offset: number, limit: number): string {
  const p = new URLSearchParams();
  if (q.trim() !== '') p.set('q', q.trim());
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, v);
  if (sort !== undefined && sort !== '') {
    p.set('sort', sort.replace(/^-/, ''));
    p.set('order', sort.startsWith('-') ? 'desc' : 'asc');
  }
  p.set('offset', String(offset));
  p.set('limit', String(limit));
  return p.toString();
}

/** Query string of a test-list page request (empty filters are left out). */
export function testListQuery(f: TestFilters, offset: number, limit: number): string {
  const extra = { pred: f.pred === null ? undefined : String(f.pred), label: f.label === null ? undefined : String(f.label), misclassified: f.misclassified ? '1' : undefined };
  return listQuery(f.q, extra, f.sort, offset, limit);
}

/** Longest piece of a non-JSON answer quoted in an error. */
const QUOTE_CHARS = 160;

/**
 * The JSON body of a response. A body that is not JSON (a proxy's HTML error page, a truncated
 * answer) becomes an `ApiError` that quotes it as plain text instead of "Unexpected token '<'".
 */
async function readBody(res: Awaited<ReturnType<FetchLike>>, path: string): Promise<unknown> {
  if (res.text === undefined) return res.json();
  const raw = await res.text();
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    const plain = raw.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    const quote = plain.length > QUOTE_CHARS ? `${plain.slice(0, QUOTE_CHARS - 1)}…` : plain;
    throw new ApiError(res.status, `HTTP ${res.status} from ${path.split('?')[0] ?? path}: the server did not answer with JSON${quote === '' ? '' : ` (${quote})`}`);
  }
}

/** Filters of the training browser. */
export interface TrainFilters {
  q: string;
  label: number | null;
  /** Support vectors only. */
  sv: boolean;
  /** `-self-influence` (largest first) or absent (row order). */
  sort?: string;
}

export type { TrainListItem, TrainListPage };

/** Query string of a training-list page request. */
export function trainListQuery(f: TrainFilters, offset: number, limit: number): string {
  return listQuery(f.q, { label: f.label === null ? undefined : String(f.label), sv: f.sv ? '1' : undefined }, f.sort, offset, limit);
}

/** API client bound to one base URL. */
export interface ApiClient {
  summary(): Promise<Summary>;
  tests(f: TestFilters, offset: number, limit: number, signal?: AbortSignal): Promise<TestListPage>;
  test(row: number, k: number, target?: number): Promise<TestDetail>;
  train(row: number, k: number): Promise<TrainDetail>;
  /** A page of the training browser. */
  trainList(f: TrainFilters, offset: number, limit: number): Promise<TrainListPage>;
  /** A typed text explained like a test row (the checkpoint embeds it). */
  text(text: string, k: number, target?: number): Promise<TextDetail>;
  /** Heatmaps and budget of a pair (a test row, or `{ text }` typed) for class `target` (default: the model's prediction). */
  xda(test: number | { text: string }, train: number, target?: number): Promise<XdaResponse>;
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
    const body = await readBody(res, path);
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
    trainList: (f, offset, limit) => get<TrainListPage>(`/api/train?${trainListQuery(f, offset, limit)}`),
    // wait=2000: the server answers 202 with the job's progress after 2 s, and the page polls (xda-poll.ts).
    text: (text, k, target) => get<TextDetail>(`/api/text?${new URLSearchParams({ text, k: String(k), ...(target === undefined ? {} : { class: String(target) }) }).toString()}`),
    xda: (test, train, target) => {
      const p = new URLSearchParams(typeof test === 'number' ? { test: String(test) } : { text: test.text });
      p.set('train', String(train));
      if (target !== undefined) p.set('class', String(target));
      p.set('wait', '2000');
      return get<XdaResponse>(`/api/xda?${p.toString()}`);
    },
    global: (limit) => get<GlobalView>(`/api/global?limit=${limit}`),
  };
}
