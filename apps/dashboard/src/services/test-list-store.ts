/**
 * State of a virtualised list (test list, training browser): filters, total and pages fetched on demand. Views subscribe
 * through `useSyncExternalStore`; the store never touches the DOM (unit-tested with a fake API).
 */
import type { TestListItem } from '../lib/api-types.js';
import type { ApiClient, TestFilters } from './api-client.js';

/** Rows per fetched page. */
export const PAGE_SIZE = 100;

/** Snapshot a list view renders. */
export interface ListSnapshot<F> {
  filters: F;
  total: number | null;
  error: string | null;
  version: number;
}

/** A paged list store over filters `F` and items `T`. */
export interface PagedListStore<F, T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): ListSnapshot<F>;
  setFilters(f: F): void;
  /** Makes sure rows [start, end) are loaded or loading. */
  ensureRange(start: number, end: number): void;
  item(index: number): T | undefined;
  /** Drops every page and asks again (after an error). */
  retry(): void;
}

/** Snapshot of the test list. */
export type TestListSnapshot = ListSnapshot<TestFilters>;
/** The test list store. */
export type TestListStore = PagedListStore<TestFilters, TestListItem>;

/** The empty filter set. */
export const NO_FILTERS: TestFilters = { q: '', pred: null, label: null, misclassified: false };

/** Whether two filter sets ask the server the same question. */
export function sameFilters(a: TestFilters, b: TestFilters): boolean {
  return a.q.trim() === b.q.trim() && a.pred === b.pred && a.label === b.label && a.misclassified === b.misclassified && (a.sort ?? '') === (b.sort ?? '');
}

/** Creates the test list store over `api`. */
export function createTestListStore(api: Pick<ApiClient, 'tests'>, initial: TestFilters = NO_FILTERS): TestListStore {
  return createPagedListStore((f: TestFilters, offset, limit) => api.tests(f, offset, limit), initial, sameFilters);
}

/** A page of any list. */
export interface ListPage<T> {
  total: number;
  items: T[];
}

/** Creates a store that fetches pages of `PAGE_SIZE` rows through `fetchPage` as the view needs them. */
export function createPagedListStore<F, T>(fetchPage: (f: F, offset: number, limit: number) => Promise<ListPage<T>>, initial: F, same: (a: F, b: F) => boolean): PagedListStore<F, T> {
  const listeners = new Set<() => void>();
  let snap: ListSnapshot<F> = { filters: initial, total: null, error: null, version: 0 };
  let pages = new Map<number, T[] | 'loading'>();
  let generation = 0;
  const emit = (patch: Partial<ListSnapshot<F>>): void => {
    snap = { ...snap, ...patch, version: snap.version + 1 };
    for (const l of listeners) l();
  };
  const load = (page: number): void => {
    if (pages.has(page)) return;
    pages.set(page, 'loading');
    const gen = generation;
    fetchPage(snap.filters, page * PAGE_SIZE, PAGE_SIZE).then(
      (res) => {
        if (gen !== generation) return; // filters changed meanwhile: drop the stale page
        pages.set(page, res.items);
        emit({ total: res.total, error: null });
      },
      (err: unknown) => {
        if (gen !== generation) return;
        pages.delete(page);
        emit({ error: err instanceof Error ? err.message : String(err) });
      },
    );
  };
  const store: PagedListStore<F, T> = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snap,
    retry() {
      generation++;
      pages = new Map();
      emit({ total: null, error: null });
      load(0);
    },
    setFilters(f) {
      // Same filters (a scroll-anchor-only URL change, a re-render): keep the pages, send nothing.
      if (generation > 0 && same(f, snap.filters)) return;
      generation++;
      pages = new Map();
      emit({ filters: f, total: null, error: null });
      load(0);
    },
    ensureRange(start, end) {
      if (snap.total === null && !pages.has(0)) load(0);
      const last = snap.total === null ? start : Math.min(end, snap.total) - 1;
      for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(Math.max(start, last) / PAGE_SIZE); p++) load(p);
    },
    item(index) {
      const page = pages.get(Math.floor(index / PAGE_SIZE));
      return page === undefined || page === 'loading' ? undefined : page[index % PAGE_SIZE];
    },
  };
  return store;
}
