import { useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { VirtualList } from '../components/virtual-list.js';
import type { Summary } from '../lib/api-types.js';
import { className } from '../services/format.js';
import { formatRoute } from '../services/route.js';
import { createTestListStore, NO_FILTERS } from '../services/test-list-store.js';
import type { ViewContext } from './view-context.js';

export const title = 'Test examples';

/** Any run with a test set. */
export function canRender(summary: Summary): boolean {
  return summary.test.rows > 0;
}

const ROW_HEIGHT = 44;

/** Searchable, filterable, virtualised list of test examples. */
export function TestListView({ api, summary }: ViewContext): ReactNode {
  const store = useMemo(() => createTestListStore(api), [api]);
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  useEffect(() => store.setFilters(NO_FILTERS), [store]);
  const f = snap.filters;
  const classOptions = [<option key="any" value="">any</option>, ...summary.classNames.map((n, m) => <option key={m} value={m}>{n}</option>)];
  const pick = (v: string): number | null => (v === '' ? null : Number(v));
  return (
    <section>
      <h2>{title}</h2>
      <div className="filters">
        <input type="search" placeholder="search text…" value={f.q} data-testid="search" onChange={(e) => store.setFilters({ ...f, q: e.currentTarget.value })} />
        <label>
          predicted <select value={f.pred ?? ''} data-testid="filter-pred" onChange={(e) => store.setFilters({ ...f, pred: pick(e.currentTarget.value) })}>{classOptions}</select>
        </label>
        <label>
          true <select value={f.label ?? ''} data-testid="filter-label" onChange={(e) => store.setFilters({ ...f, label: pick(e.currentTarget.value) })}>{classOptions}</select>
        </label>
        <label>
          <input type="checkbox" checked={f.misclassified} data-testid="filter-misclassified" onChange={(e) => store.setFilters({ ...f, misclassified: e.currentTarget.checked })} /> misclassified only
        </label>
        <span className="muted" data-testid="test-total">{snap.total === null ? '…' : `${snap.total.toLocaleString()} examples`}</span>
      </div>
      {snap.error !== null ? <p className="error" role="alert">{snap.error}</p> : null}
      <VirtualList
        total={snap.total ?? 0}
        rowHeight={ROW_HEIGHT}
        height={560}
        onRange={store.ensureRange}
        renderRow={(i) => {
          const item = store.item(i);
          if (item === undefined) return <span className="muted">…</span>;
          const wrong = item.label !== item.prediction;
          return (
            <a className={`test-row${wrong ? ' wrong' : ''}`} href={formatRoute({ view: 'test', row: item.row })} data-testid="test-row">
              <span className="rowid">#{item.row}</span>
              <span className="pill">{className(summary.classNames, item.prediction)}</span>
              {wrong ? <span className="pill bad" title="true label">{className(summary.classNames, item.label)}</span> : null}
              <span className="snippet">{item.snippet}</span>
            </a>
          );
        }}
      />
    </section>
  );
}
