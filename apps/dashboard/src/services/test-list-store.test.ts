import { describe, expect, it } from 'vitest';
import type { TestListPage } from '../lib/api-types.js';
import type { TestFilters } from './api-client.js';
import { createTestListStore, NO_FILTERS, PAGE_SIZE } from './test-list-store.js';

/** A fake API over `n` rows where row r has label r % 3; honours offset/limit and the label filter. */
function fakeApi(n: number, calls: { filters: TestFilters; offset: number }[], gate?: Promise<void>) {
  return {
    async tests(filters: TestFilters, offset: number, limit: number): Promise<TestListPage> {
      calls.push({ filters, offset });
      await gate;
      const rows = Array.from({ length: n }, (_, r) => r).filter((r) => filters.label === null || r % 3 === filters.label);
      return { total: rows.length, offset, items: rows.slice(offset, offset + limit).map((row) => ({ row, label: row % 3, prediction: 0, snippet: `t${row}` })) };
    },
  };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('test list store', () => {
  it('loads the first page on setFilters and further pages only when their range is needed', async () => {
    const calls: { filters: TestFilters; offset: number }[] = [];
    const store = createTestListStore(fakeApi(1000, calls));
    store.setFilters(NO_FILTERS);
    await flush();
    expect(store.getSnapshot().total).toBe(1000);
    expect(store.item(5)?.row).toBe(5);
    expect(store.item(PAGE_SIZE + 1)).toBeUndefined();
    store.ensureRange(250, 260);
    store.ensureRange(250, 260);
    await flush();
    expect(calls.map((c) => c.offset)).toEqual([0, 200]);
    expect(store.item(255)?.snippet).toBe('t255');
  });

  it('drops pages that arrive after the filters changed', async () => {
    const calls: { filters: TestFilters; offset: number }[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const store = createTestListStore(fakeApi(300, calls, gate));
    let notified = 0;
    store.subscribe(() => notified++);
    store.setFilters(NO_FILTERS);
    store.setFilters({ ...NO_FILTERS, label: 1 });
    open();
    await flush();
    expect(store.getSnapshot().total).toBe(100);
    expect(store.item(0)?.row).toBe(1);
    expect(notified).toBeGreaterThanOrEqual(3);
  });

  it('reports API errors in the snapshot', async () => {
    const store = createTestListStore({ tests: async () => Promise.reject(new Error('boom')) });
    store.setFilters(NO_FILTERS);
    await flush();
    expect(store.getSnapshot().error).toBe('boom');
  });

  it('sends nothing when the filters did not change, and retries after an error', async () => {
    const calls: { filters: TestFilters; offset: number }[] = [];
    let fail = true;
    const api = fakeApi(50, calls);
    const store = createTestListStore({ tests: (f, o, l) => (fail ? Promise.reject(new Error('down')) : api.tests(f, o, l)) });
    store.setFilters({ ...NO_FILTERS, q: 'a' });
    store.setFilters({ ...NO_FILTERS, q: 'a ' });
    await flush();
    expect(store.getSnapshot().error).toBe('down');
    fail = false;
    store.retry();
    await flush();
    expect(calls).toHaveLength(1);
    expect(store.getSnapshot()).toMatchObject({ total: 50, error: null });
  });
});
