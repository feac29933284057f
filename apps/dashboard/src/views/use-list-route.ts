import { useEffect, useRef, useSyncExternalStore } from 'react';
import { navigate } from '../app/hash-route.js';
import type { ListSnapshot, PagedListStore } from '../services/test-list-store.js';
import type { Route } from '../services/route.js';
import { useListUrl, type ListUrlState } from './use-list-url.js';

/** The URL state every list view has: search text and first visible row. */
interface ListRouteBase {
  q?: string;
  at?: number;
}

/** What a list view renders from: the store's snapshot, the filters the URL asks for, the URL writers. */
export interface ListRoute<F, R> extends ListUrlState {
  snap: ListSnapshot<F>;
  filters: F;
  /** Changes exactly when the filters do (the list's anchor key). */
  filtersKey: string;
  /** Navigates to the list with `patch` applied, back at the first row (a new history entry). */
  set: (patch: Partial<R>) => void;
}

/**
 * Wires a paged list store to the URL (filters, search, scroll anchor): the store follows the
 * filters of `route`; the search box and anchor write back through `useListUrl`, replacing the
 * history entry. `toRoute` adds the view's name. The caller keeps the store (one per API client).
 */
export function useListRoute<F, T, R extends ListRouteBase>(store: PagedListStore<F, T>, route: R, filtersOf: (r: R) => F, toRoute: (r: R) => Route): ListRoute<F, R> {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const filters = filtersOf(route);
  const filtersKey = JSON.stringify(filters);
  useEffect(() => store.setFilters(filtersOf(route)), [store, filtersKey]);
  const latest = useRef(route);
  latest.current = route;
  const url = useListUrl(route.q ?? '', route.at ?? 0, (patch) => navigate(toRoute({ ...latest.current, ...patch }), { replace: true }));
  const set = (patch: Partial<R>): void => navigate(toRoute({ ...route, ...patch, at: 0 }));
  return { snap, filters, filtersKey, set, ...url };
}
