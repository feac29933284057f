/**
 * State of the virtualised test list: filters, total and pages fetched on demand. Views subscribe
 * through `useSyncExternalStore`; the store never touches the DOM (unit-tested with a fake API).
 */
import type { TestListItem } from '../lib/api-types.js';
import type { ApiClient, TestFilters } from './api-client.js';

/** Rows per fetched page. */
export const PAGE_SIZE = 100;

/** Snapshot the view renders. */
export interface TestListSnapshot {
  filters: TestFilters;
  total: number | null;
  error: string | null;
  version: number;
}

/** The list store. */
export interface TestListStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): TestListSnapshot;
  setFilters(f: TestFilters): void;
  /** Makes sure rows [start, end) are loaded or loading. */
  ensureRange(start: number, end: number): void;
  item(index: number): TestListItem | undefined;
}

/** The empty filter set. */
export const NO_FILTERS: TestFilters = { q: '', pred: null, label: null, misclassified: false };

/** Creates a store over `api`. */
export function createTestListStore(api: Pick<ApiClient, 'tests'>, initial: TestFilters = NO_FILTERS): TestListStore {
  const listeners = new Set<() => void>();
  let snap: TestListSnapshot = { filters: initial, total: null, error: null, version: 0 };
  let pages = new Map<number, TestListItem[] | 'loading'>();
  let generation = 0;
  const emit = (patch: Partial<TestListSnapshot>): void => {
    snap = { ...snap, ...patch, version: snap.version + 1 };
    for (const l of listeners) l();
  };
  const load = (page: number): void => {
    if (pages.has(page)) return;
    pages.set(page, 'loading');
    const gen = generation;
    api.tests(snap.filters, page * PAGE_SIZE, PAGE_SIZE).then(
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
  const store: TestListStore = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snap,
    setFilters(f) {
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
