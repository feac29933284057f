import { useMemo, type ReactNode } from 'react';
import { ErrorNote } from '../components/status.js';
import { VirtualList } from '../components/virtual-list.js';
import type { Summary } from '../lib/api-types.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import type { TrainFilters, TrainListItem } from '../services/api-client.js';
import { labelNamesOf } from '../services/class-space.js';
import { className, formatScore } from '../services/format.js';
import { formatRoute, type Route, type TrainListRouteState } from '../services/route.js';
import { createPagedListStore } from '../services/test-list-store.js';
import { useListRoute } from './use-list-route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Training set';

/** Any run with a training store. */
export function canRender(summary: Summary): boolean {
  return summary.train.rows > 0;
}

const ROW_HEIGHT = 44;

function filtersOf(r: TrainListRouteState): TrainFilters {
  return { q: r.q ?? '', label: r.label ?? null, sv: r.sv === true, ...(r.sort === undefined ? {} : { sort: r.sort }) };
}

const toRoute = (r: TrainListRouteState): Route => ({ ...r, view: 'train-list' });

const same = (a: TrainFilters, b: TrainFilters): boolean => JSON.stringify({ ...a, q: a.q.trim() }) === JSON.stringify({ ...b, q: b.q.trim() });

/** Training-set browser: search, label and support-vector filters, self-influence sort; all in the URL. */
export function TrainListView({ api, summary, route }: ViewContext & { route: TrainListRouteState }): ReactNode {
  const store = useMemo(() => createPagedListStore<TrainFilters, TrainListItem>((f, o, l) => api.trainList(f, o, l), filtersOf({}), same), [api]);
  const { snap, filters: f, filtersKey: key, draft, setDraft, epoch, onFirstRow, set } = useListRoute(store, route, filtersOf, toRoute);
  const heading = usePageHeading(title);
  // Labels may lie outside a candidate set (index ≥ K, services/class-space.ts).
  const names = labelNamesOf(summary);
  const total = snap.total;
  return (
    <section className="test-list-view">
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <div className="filters">
        <input type="search" placeholder="search text…" aria-label="Search training texts" value={draft} data-testid="train-search" onChange={(e) => setDraft(e.currentTarget.value)} />
        <label>
          label{' '}
          <select value={f.label ?? ''} data-testid="train-filter-label" onChange={(e) => set({ label: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })}>
            <option value="">any</option>
            {names.map((n, m) => (
              <option key={m} value={m}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={f.sv} data-testid="train-filter-sv" onChange={(e) => set({ sv: e.currentTarget.checked ? true : undefined })} /> support vectors only
        </label>
        <label>
          sort{' '}
          <select value={route.sort ?? ''} data-testid="train-sort" onChange={(e) => set({ sort: e.currentTarget.value === '' ? undefined : e.currentTarget.value })}>
            <option value="">row</option>
            <option value="-self-influence">self-influence, largest first</option>
          </select>
        </label>
        <span className="muted" role="status" aria-live="polite" data-testid="train-total">
          {total === null ? (snap.error === null ? 'Loading…' : '') : `${total.toLocaleString('en-US')} training rows`}
        </span>
      </div>
      {snap.error !== null ? <ErrorNote message={snap.error} onRetry={store.retry} /> : null}
      {total === 0 ? (
        <p className="empty" data-testid="empty">
          No training rows match {[f.q.trim() === '' ? '' : `“${f.q.trim()}”`, f.label === null ? '' : `labelled ${className(names, f.label)}`, f.sv ? 'support vectors only' : ''].filter((p) => p !== '').join(', ') || 'the filters'}.
        </p>
      ) : (
        <VirtualList
          total={total ?? 0}
          rowHeight={ROW_HEIGHT}
          height={560}
          anchor={route.at ?? 0}
          anchorKey={`${key}|${epoch}`}
          label={title}
          testId="train-list"
          onRange={store.ensureRange}
          onFirstRow={onFirstRow}
          renderRow={(i) => {
            const item = store.item(i);
            if (item === undefined) return <span className="muted test-row">…</span>;
            return (
              <a className="test-row" href={formatRoute({ view: 'train', row: item.row })} data-testid="train-row" data-position={i}>
                <span className="rowid">#{item.row}</span>
                {item.id === undefined ? null : <span className="list-id" data-testid="list-id">{item.id}</span>}
                <span className="pill" title="label">
                  <span className="sr-only">label </span>
                  {className(names, item.label)}
                </span>
                {item.isSupportVector ? <span className="pill sv" title={`self-influence ${formatScore(item.selfInfluence)}`}>SV {formatScore(item.selfInfluence)}</span> : null}
                <span className="snippet">{item.snippet}</span>
              </a>
            );
          }}
        />
      )}
    </section>
  );
}
