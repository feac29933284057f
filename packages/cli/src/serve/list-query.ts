/** Parsing of the lists' `sort` and `order` parameters (400 on anything unknown). */
import { HttpError } from './http-error.js';
import { TEST_SORT_KEYS, type TestSortKey } from './test-sort.js';

/** Sort keys of `/api/train`: `self-influence` lists support vectors only. */
export const TRAIN_SORT_KEYS = ['row', 'self-influence'] as const;

function oneOf<T extends string>(raw: string | null, name: string, allowed: readonly T[]): T | undefined {
  if (raw === null || raw === '') return undefined;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new HttpError(400, `parameter '${name}' must be one of ${allowed.join(', ')}`);
}

/** `sort` and `order` of a list; `self-influence` on the test list is refused with the reason. */
export function parseSort<K extends string>(q: URLSearchParams, keys: readonly K[], list: 'tests' | 'train'): { sort?: K; order?: 'asc' | 'desc' } {
  if (list === 'tests' && q.get('sort') === 'self-influence') {
    throw new HttpError(400, `sort=self-influence is defined for training rows only (||x_i||^2 alpha[i, y_i]); use /api/train?sort=self-influence`);
  }
  const sort = oneOf(q.get('sort'), 'sort', keys);
  const order = oneOf(q.get('order'), 'order', ['asc', 'desc'] as const);
  return { ...(sort === undefined ? {} : { sort }), ...(order === undefined ? {} : { order }) };
}

/** `?name=0|1` flag. */
export function parseFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v !== null && v !== '' && v !== '0' && v !== '1') throw new HttpError(400, `parameter '${name}' must be 0 or 1`);
  return v === '1';
}

export { TEST_SORT_KEYS, type TestSortKey };
