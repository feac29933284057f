import { useMemo, type ReactNode } from 'react';
import { navigate } from '../app/hash-route.js';
import { ErrorNote } from '../components/status.js';
import { VirtualList } from '../components/virtual-list.js';
import type { Summary } from '../lib/api-types.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import type { TestFilters } from '../services/api-client.js';
import { labelNamesOf } from '../services/class-space.js';
import { className } from '../services/format.js';
import { formatRoute, type Route, type TestListRouteState } from '../services/route.js';
import { createTestListStore } from '../services/test-list-store.js';
import { useListRoute } from './use-list-route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Test examples';

/** Any run with a test set. */
export function canRender(summary: Summary): boolean {
  return summary.test.rows > 0;
}

const ROW_HEIGHT = 44;

/** Sort choices: URL value (`-` = descending) and label. */
const SORT_OPTIONS: readonly (readonly [string, string])[] = [
  ['', 'row'],
  ['margin', 'margin, smallest first'],
  ['-margin', 'margin, largest first'],
  ['-loss', 'loss, largest first'],
  ['loss', 'loss, smallest first'],
  ['confidence', 'confidence, lowest first'],
  ['-confidence', 'confidence, highest first'],
];

/** The filters a URL state asks for. */
function filtersOf(r: TestListRouteState): TestFilters {
  return { q: r.q ?? '', pred: r.pred ?? null, label: r.label ?? null, misclassified: r.mis === true, ...(r.sort === undefined ? {} : { sort: r.sort }) };
}

const toRoute = (r: TestListRouteState): Route => ({ ...r, view: 'tests' });

/** "no rows match “x”, predicted spam" in words. */
function describeFilters(f: TestFilters, names: readonly string[], labels: readonly string[]): string {
  const parts = [f.q.trim() === '' ? '' : `“${f.q.trim()}”`, f.pred === null ? '' : `predicted ${className(names, f.pred)}`, f.label === null ? '' : `labelled ${className(labels, f.label)}`, f.misclassified ? 'misclassified' : ''];
  return parts.filter((p) => p !== '').join(', ') || 'the filters';
}

/**
 * Searchable, filterable, virtualised list of test examples. Filters, search and the first visible
 * row live in the URL (`#/?q=…&pred=…&at=…`), so reload and Back restore them; the search box
 * writes to the URL only after a pause, so the server sees one request per pause.
 */
export function TestListView({ api, summary, route }: ViewContext & { route: TestListRouteState }): ReactNode {
  const store = useMemo(() => createTestListStore(api), [api]);
  const { snap, filters: f, filtersKey: key, draft, setDraft, epoch, onFirstRow, set } = useListRoute(store, route, filtersOf, toRoute);
  const heading = usePageHeading(title);
  const names = summary.classNames;
  // True labels may lie outside a candidate set (index ≥ K, services/class-space.ts); predictions never do.
  const labels = labelNamesOf(summary);
  const options = (list: readonly string[]): ReactNode[] => [<option key="any" value="">any</option>, ...list.map((n, m) => <option key={m} value={m}>{n}</option>)];
  const classOptions = options(names);
  const labelOptions = options(labels);
  const pick = (v: string): number | undefined => (v === '' ? undefined : Number(v));
  const total = snap.total;
  return (
    <section className="test-list-view">
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <div className="filters">
        <label className="search">
          <span className="sr-only">Search test texts</span>
          <input type="search" placeholder="search text…" aria-label="Search test texts" value={draft} data-testid="search" onChange={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <label>
          predicted <select value={f.pred ?? ''} data-testid="filter-pred" onChange={(e) => set({ pred: pick(e.currentTarget.value) })}>{classOptions}</select>
        </label>
        <label>
          true <select value={f.label ?? ''} data-testid="filter-label" onChange={(e) => set({ label: pick(e.currentTarget.value) })}>{labelOptions}</select>
        </label>
        <label>
          <input type="checkbox" checked={f.misclassified} data-testid="filter-misclassified" onChange={(e) => set({ mis: e.currentTarget.checked ? true : undefined })} /> misclassified only
        </label>
        <label>
          sort{' '}
          <select value={route.sort ?? ''} data-testid="sort" onChange={(e) => set({ sort: e.currentTarget.value === '' ? undefined : e.currentTarget.value })}>
            {SORT_OPTIONS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <form
          className="jump"
          onSubmit={(e) => {
            e.preventDefault();
            const v = Number(new FormData(e.currentTarget).get('position'));
            if (!Number.isInteger(v) || v < 1) return;
            navigate({ ...route, view: 'tests', at: Math.min(v, Math.max(1, total ?? 1)) - 1 }, { replace: true });
          }}
        >
          <label>
            go to # <input type="number" name="position" min={1} max={total ?? undefined} className="jump-input" data-testid="jump" aria-label="Go to list position" />
          </label>
        </form>
        <span className="muted" role="status" aria-live="polite" data-testid="test-total">
          {total === null ? (snap.error === null ? 'Loading…' : '') : `${total.toLocaleString('en-US')} examples`}
        </span>
      </div>
      {snap.error !== null ? <ErrorNote message={snap.error} onRetry={store.retry} /> : null}
      {total === 0 ? (
        <p className="empty" data-testid="empty">
          No rows match {describeFilters(f, names, labels)}.
        </p>
      ) : (
        <VirtualList
          total={total ?? 0}
          rowHeight={ROW_HEIGHT}
          height={560}
          anchor={route.at ?? 0}
          anchorKey={`${key}|${epoch}`}
          label={title}
          onRange={store.ensureRange}
          onFirstRow={onFirstRow}
          renderRow={(i) => {
            const item = store.item(i);
            if (item === undefined) return <span className="muted test-row">…</span>;
            const wrong = item.label !== item.prediction;
            return (
              <a className={`test-row${wrong ? ' wrong' : ''}`} href={formatRoute({ view: 'test', row: item.row })} data-testid="test-row" data-position={i}>
                <span className="rowid">#{item.row}</span>
                {item.id === undefined ? null : <span className="list-id" data-testid="list-id">{item.id}</span>}
                <span className="pill" title="predicted">
                  <span className="sr-only">predicted </span>
                  {className(names, item.prediction)}
                </span>
                {wrong ? (
                  <span className="pill bad" title="true label">
                    <span className="sr-only">true label </span>
                    {className(labels, item.label)}
                  </span>
                ) : null}
                <span className="snippet">{item.snippet}</span>
              </a>
            );
          }}
        />
      )}
    </section>
  );
}
