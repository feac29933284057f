/**
 * Lazily built list helpers shared by `/api/tests` and `/api/train`: the search index of each
 * store (built in the background on the first list request), sort orders per key, and a small
 * cache of filtered row lists so paging through one result is O(limit).
 */
import type { IndexStatus } from '@dualxda/core';
import type { FeatureStoreReader } from '@dualxda/core';
import { buildSearchIndex, searchRows, type SearchIndex } from './search-index.js';
import { sortedOrder } from './test-sort.js';
import type { TrainSource } from './types.js';

/** Filtered row lists kept per (query, filters, sort) key. */
export const MATCH_CACHE_ENTRIES = 8;

/** One store's index: `ready` once built; `promise` while building. */
export interface IndexSlot {
  ready?: SearchIndex;
  promise?: Promise<SearchIndex>;
  /** Rows indexed so far while building. */
  indexedRows?: number;
}

export type { IndexStatus };

export function indexStatus(slot: IndexSlot, rows: number): IndexStatus {
  return { ready: slot.ready !== undefined, indexedRows: slot.ready !== undefined ? rows : (slot.indexedRows ?? 0), rows };
}

/** Lazily filled caches of one running server. */
export interface ListCaches {
  testIndex: IndexSlot;
  trainIndex: IndexSlot;
  orders: Map<string, Int32Array>;
  matches: Map<string, Int32Array>;
}

export function createListCaches(): ListCaches {
  return { testIndex: {}, trainIndex: {}, orders: new Map(), matches: new Map() };
}

/** Starts (once) and returns the build of a store's index; texts and ids are read chunk by chunk. */
export function ensureIndex(slot: IndexSlot, store: FeatureStoreReader, readTexts: (start: number, end: number) => Promise<string[]>): Promise<SearchIndex> {
  slot.promise ??= buildSearchIndex({
    rows: store.rows,
    onProgress: (r) => (slot.indexedRows = r),
    chunkRows: Math.max(1, store.chunkRows),
    read: async (start, end) => {
      const [texts, ids] = await Promise.all([readTexts(start, end), store.readIds(start, end)]);
      return { texts, ids };
    },
  }).then((index) => (slot.ready = index));
  // A failed build is reported to the request that awaits it, and retried by the next one.
  slot.promise.catch(() => (slot.promise = undefined));
  return slot.promise;
}

/** Texts of [start, end) of a source: the store's range read when it has one, else by row. */
export function rangeTexts(source: TrainSource): (start: number, end: number) => Promise<string[]> {
  const { store } = source;
  return async (start, end) => (store.readTexts === undefined ? source.readTexts(Array.from({ length: end - start }, (_, i) => start + i)) : store.readTexts(start, end));
}

/** Cached ascending order of `values` under `key`. */
export function cachedOrder(caches: ListCaches, key: string, values: () => Float32Array | Float64Array): Int32Array {
  let order = caches.orders.get(key);
  if (order === undefined) {
    order = sortedOrder(values());
    caches.orders.set(key, order);
  }
  return order;
}

/** Cached filtered list under `key` (least recently used entry dropped past the limit). */
export async function cachedMatches(caches: ListCaches, key: string, compute: () => Promise<Int32Array>): Promise<Int32Array> {
  const hit = caches.matches.get(key);
  if (hit !== undefined) {
    caches.matches.delete(key);
    caches.matches.set(key, hit);
    return hit;
  }
  const rows = await compute();
  caches.matches.set(key, rows);
  while (caches.matches.size > MATCH_CACHE_ENTRIES) caches.matches.delete(caches.matches.keys().next().value as string);
  return rows;
}

/** Does the query hold anything besides letters, digits and spaces (then it is checked as a substring)? */
export function needsSubstringCheck(needle: string): boolean {
  return /[^\p{L}\p{N}\s]/u.test(needle);
}

/**
 * Rows matching `needle` (lower-cased, trimmed): the index's word-prefix candidates; when the
 * needle has punctuation and `lowered` (lower-cased "id\0text" per row) is
 * available, only candidates that contain it as a substring. An all-punctuation needle scans
 * `lowered` when held, else matches nothing.
 */
export function matchRows(index: SearchIndex, needle: string, lowered: string[] | undefined): Int32Array {
  const candidates = searchRows(index, needle);
  if (candidates === null) {
    if (lowered === undefined) return new Int32Array(0);
    const out: number[] = [];
    for (let r = 0; r < lowered.length; r++) if (lowered[r].includes(needle)) out.push(r);
    return Int32Array.from(out);
  }
  if (lowered === undefined || !needsSubstringCheck(needle)) return candidates;
  return candidates.filter((r) => lowered[r].includes(needle));
}
