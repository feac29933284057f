/** Hash routes of the app (`#/test/5`), parsed and formatted without the DOM. */

/** Every page the shell can show. */
export type Route =
  | { view: 'tests' }
  | { view: 'test'; row: number; target?: number }
  | { view: 'train'; row: number }
  | { view: 'xda'; test: number; train: number; target?: number }
  | { view: 'global' };

const ROW = /^\d{1,10}$/;

/** Parses `location.hash`; unknown or malformed hashes go to the test list. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p) => p !== '');
  const num = (s: string | undefined): number | undefined => (s !== undefined && ROW.test(s) ? Number(s) : undefined);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'test': {
      const row = num(parts[1]);
      if (row === undefined || parts.length !== 2) break;
      const target = num(params.get('class') ?? undefined);
      return target === undefined ? { view: 'test', row } : { view: 'test', row, target };
    }
    case 'train': {
      const row = num(parts[1]);
      if (row !== undefined && parts.length === 2) return { view: 'train', row };
      break;
    }
    case 'xda': {
      const test = num(parts[1]);
      const train = num(parts[2]);
      const target = num(params.get('class') ?? undefined);
      if (test !== undefined && train !== undefined && parts.length === 3) return target === undefined ? { view: 'xda', test, train } : { view: 'xda', test, train, target };
      break;
    }
    case 'global':
      if (parts.length === 1) return { view: 'global' };
      break;
    default:
      break;
  }
  return { view: 'tests' };
}

/** The hash of a route (inverse of `parseRoute`). */
export function formatRoute(r: Route): string {
  switch (r.view) {
    case 'tests':
      return '#/';
    case 'test':
      return r.target === undefined ? `#/test/${r.row}` : `#/test/${r.row}?class=${r.target}`;
    case 'train':
      return `#/train/${r.row}`;
    case 'xda':
      return r.target === undefined ? `#/xda/${r.test}/${r.train}` : `#/xda/${r.test}/${r.train}?class=${r.target}`;
    case 'global':
      return '#/global';
  }
}
