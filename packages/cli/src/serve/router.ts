/** Maps a GET request URL to an API handler; validates every id and query value before any read. */
import { listTests, testDetail } from './api-tests.js';
import { globalView, summary } from './api-summary.js';
import { listTrain, trainDetail } from './api-train.js';
import { parseFlag, parseSort, TEST_SORT_KEYS, TRAIN_SORT_KEYS } from './list-query.js';
import { checkTypedText, textDetail } from './api-text.js';
import { DEFAULT_XDA_WAIT_MS, MAX_XDA_WAIT_MS, xdaPair } from './api-xda.js';
import { HttpError, parseBounded, parseIndex } from './http-error.js';
import type { ServiceState } from './service-state.js';

/** Largest page of the test list and of the mislabel ranking. */
export const MAX_LIMIT = 500;
/** Largest k for proponents/opponents and influenced tests. */
export const MAX_K = 100;
/** Longest accepted search string. */
export const MAX_QUERY_CHARS = 200;

/** `?mode=` of `/api/xda`: per-position or word; absent = the XDA engine's default. */
function xdaMode(raw: string | null): 'per-position' | 'word' | undefined {
  if (raw === null || raw === '') return undefined;
  if (raw === 'per-position' || raw === 'word') return raw;
  throw new HttpError(400, `parameter 'mode' must be per-position or word`);
}

/** Answers one `/api/...` request with a JSON-serialisable value, or throws `HttpError`. */
export async function routeApi(state: ServiceState, url: URL, signal?: AbortSignal): Promise<unknown> {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const q = url.searchParams;
  const [, resource, id, ...rest] = parts;
  if (rest.length > 0) throw new HttpError(404, `no such endpoint: ${url.pathname}`);
  const k = (): number => Math.max(1, parseBounded(q.get('k'), 'k', MAX_K, 10));
  const cls = (name: string): number | undefined => (q.get(name) === null || q.get(name) === '' ? undefined : parseBounded(q.get(name), name, state.classes - 1));
  // Labels may also be a candidate set's outside labels (index ≥ K into labelNames, label-space.ts).
  const label = (): number | undefined => (q.get('label') === null || q.get('label') === '' ? undefined : parseBounded(q.get('label'), 'label', state.labelNames.length - 1));
  switch (resource) {
    case 'summary':
      if (id === undefined) return summary(state);
      break;
    case 'global':
      if (id === undefined) return globalView(state, Math.max(1, parseBounded(q.get('limit'), 'limit', MAX_LIMIT, 50)));
      break;
    case 'tests': {
      if (id !== undefined) return testDetail(state, parseIndex(id, 'test row'), k(), cls('class'));
      const text = q.get('q') ?? '';
      if (text.length > MAX_QUERY_CHARS) throw new HttpError(400, `parameter 'q' must be at most ${MAX_QUERY_CHARS} characters`);
      const mis = q.get('misclassified');
      if (mis !== null && mis !== '' && mis !== '0' && mis !== '1') throw new HttpError(400, `parameter 'misclassified' must be 0 or 1`);
      return listTests(state, {
        q: text,
        pred: cls('pred'),
        label: label(),
        misclassified: mis === '1',
        ...parseSort(q, TEST_SORT_KEYS, 'tests'),
        offset: parseIndex(q.get('offset'), 'offset', 0),
        limit: Math.max(1, parseBounded(q.get('limit'), 'limit', MAX_LIMIT, 100)),
      });
    }
    case 'train':
      if (id !== undefined) return trainDetail(state, parseIndex(id, 'training row'), k());
      if ((q.get('q') ?? '').length > MAX_QUERY_CHARS) throw new HttpError(400, `parameter 'q' must be at most ${MAX_QUERY_CHARS} characters`);
      return listTrain(state, {
        q: q.get('q') ?? '',
        label: label(),
        sv: parseFlag(q, 'sv'),
        ...parseSort(q, TRAIN_SORT_KEYS, 'train'),
        offset: parseIndex(q.get('offset'), 'offset', 0),
        limit: Math.max(1, parseBounded(q.get('limit'), 'limit', MAX_LIMIT, 100)),
      });
    case 'xda':
      if (id === undefined) {
        if (q.has('text') && q.has('test')) throw new HttpError(400, `give either 'test' (a test row) or 'text' (a typed text), not both`);
        const test = q.has('text') ? { text: checkTypedText(q.get('text')) } : parseIndex(q.get('test'), 'test');
        return xdaPair(state, test, parseIndex(q.get('train'), 'train'), cls('class'), xdaMode(q.get('mode')), parseBounded(q.get('wait'), 'wait', MAX_XDA_WAIT_MS, DEFAULT_XDA_WAIT_MS), signal);
      }
      break;
    case 'text':
      if (id === undefined) return textDetail(state, checkTypedText(q.get('text')), k(), cls('class'));
      break;
    default:
      break;
  }
  throw new HttpError(404, `no such endpoint: ${url.pathname}`);
}
