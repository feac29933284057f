/** Hash routes of the app (`#/test/5`, `#/?q=free&at=1200`), parsed and formatted without the DOM. */

/** Sort keys of the test list in the URL (`-` prefix = descending; absent = row order), as `/api/tests?sort=` names them. */
export const SORT_KEYS = ['margin', 'loss', 'confidence'] as const;

/** State of the test list that lives in the URL; absent keys mean "no filter" / "top of the list". */
export interface TestListRouteState {
  q?: string;
  pred?: number;
  label?: number;
  mis?: true;
  sort?: string;
  /** First visible row (the scroll anchor), as a list position. */
  at?: number;
}

/** State of the training browser in the URL. */
export interface TrainListRouteState {
  q?: string;
  label?: number;
  sv?: true;
  /** `-self-influence` or absent (row order). */
  sort?: string;
  at?: number;
}

/** How the XDA page shows a pair; absent = wordpieces merged into words, one colour scale for both texts. */
export interface XdaDisplay {
  /** Show wordpieces (tokens) instead of words. */
  tokens?: true;
  /** One colour scale per text instead of one shared scale. */
  own?: true;
}

/** Longest typed text the URL and `/api/text` carry. */
export const MAX_TEXT_CHARS = 2000;

/** Every page the shell can show. */
export type Route =
  | ({ view: 'tests' } & TestListRouteState)
  | { view: 'test'; row: number; target?: number }
  | { view: 'train'; row: number }
  | ({ view: 'train-list' } & TrainListRouteState)
  | ({ view: 'xda'; test: number; train: number; target?: number } & XdaDisplay)
  /** The custom-text box and, once a text is given, its explanation and the heatmaps of one pair (`pair`: training row; default the top proponent). */
  | ({ view: 'text'; text?: string; target?: number; pair?: number } & XdaDisplay)
  | { view: 'global' }
  | { view: 'not-found'; path: string };

const ROW = /^\d{1,10}$/;
const SORT = new RegExp(`^-?(${SORT_KEYS.join('|')})$`);
const num = (s: string | null | undefined): number | undefined => (s !== undefined && s !== null && ROW.test(s) ? Number(s) : undefined);

function parseList(params: URLSearchParams): Route {
  const r: { view: 'tests' } & TestListRouteState = { view: 'tests' };
  const q = params.get('q');
  if (q !== null && q !== '') r.q = q.slice(0, 200);
  const pred = num(params.get('pred'));
  if (pred !== undefined) r.pred = pred;
  const label = num(params.get('label'));
  if (label !== undefined) r.label = label;
  if (params.get('mis') === '1') r.mis = true;
  const sort = params.get('sort');
  if (sort !== null && SORT.test(sort)) r.sort = sort;
  const at = num(params.get('at'));
  if (at !== undefined && at > 0) r.at = at;
  return r;
}

function parseTrainList(params: URLSearchParams): Route {
  const r: { view: 'train-list' } & TrainListRouteState = { view: 'train-list' };
  const q = params.get('q');
  if (q !== null && q !== '') r.q = q.slice(0, 200);
  const label = num(params.get('label'));
  if (label !== undefined) r.label = label;
  if (params.get('sv') === '1') r.sv = true;
  if (params.get('sort') === '-self-influence') r.sort = '-self-influence';
  const at = num(params.get('at'));
  if (at !== undefined && at > 0) r.at = at;
  return r;
}

function display(params: URLSearchParams): XdaDisplay {
  return { ...(params.get('tokens') === '1' ? { tokens: true as const } : {}), ...(params.get('own') === '1' ? { own: true as const } : {}) };
}

function typedText(params: URLSearchParams): string | undefined {
  const t = params.get('t');
  return t === null || t.trim() === '' ? undefined : t.slice(0, MAX_TEXT_CHARS);
}

/** Parses `location.hash`; an empty hash is the test list, anything unknown or malformed is `not-found`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?');
  const parts = path.split('/').filter((p) => p !== '');
  const params = new URLSearchParams(query);
  const target = num(params.get('class'));
  switch (parts[0]) {
    case undefined:
      return parseList(params);
    case 'test': {
      const row = num(parts[1]);
      if (row === undefined || parts.length !== 2) break;
      return target === undefined ? { view: 'test', row } : { view: 'test', row, target };
    }
    case 'train': {
      if (parts.length === 1) return parseTrainList(params);
      const row = num(parts[1]);
      if (row !== undefined && parts.length === 2) return { view: 'train', row };
      break;
    }
    case 'xda': {
      const test = num(parts[1]);
      const train = num(parts[2]);
      if (test !== undefined && train !== undefined && parts.length === 3) return { view: 'xda', test, train, ...(target === undefined ? {} : { target }), ...display(params) };
      break;
    }
    case 'text': {
      const text = typedText(params);
      const pair = num(params.get('pair'));
      if (parts.length === 1) return { view: 'text', ...(text === undefined ? {} : { text }), ...(target === undefined ? {} : { target }), ...(pair === undefined ? {} : { pair }), ...display(params) };
      break;
    }
    case 'global':
      if (parts.length === 1) return { view: 'global' };
      break;
    default:
      break;
  }
  return { view: 'not-found', path: `#${raw}` };
}

function formatList(r: TestListRouteState): string {
  const p = new URLSearchParams();
  if (r.q !== undefined && r.q !== '') p.set('q', r.q);
  if (r.pred !== undefined) p.set('pred', String(r.pred));
  if (r.label !== undefined) p.set('label', String(r.label));
  if (r.mis === true) p.set('mis', '1');
  if (r.sort !== undefined) p.set('sort', r.sort);
  if (r.at !== undefined && r.at > 0) p.set('at', String(r.at));
  const s = p.toString();
  return s === '' ? '#/' : `#/?${s}`;
}

function displayParams(d: XdaDisplay): Record<string, string | undefined> {
  return { tokens: d.tokens === true ? '1' : undefined, own: d.own === true ? '1' : undefined };
}

/** `path?k=v…` with the defined, non-empty parameters. */
function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** The hash of a route (inverse of `parseRoute`). */
export function formatRoute(r: Route): string {
  switch (r.view) {
    case 'tests':
      return formatList(r);
    case 'test':
      return r.target === undefined ? `#/test/${r.row}` : `#/test/${r.row}?class=${r.target}`;
    case 'train':
      return `#/train/${r.row}`;
    case 'train-list': {
      const p = new URLSearchParams();
      if (r.q !== undefined && r.q !== '') p.set('q', r.q);
      if (r.label !== undefined) p.set('label', String(r.label));
      if (r.sv === true) p.set('sv', '1');
      if (r.sort !== undefined) p.set('sort', r.sort);
      if (r.at !== undefined && r.at > 0) p.set('at', String(r.at));
      const s = p.toString();
      return s === '' ? '#/train' : `#/train?${s}`;
    }
    case 'xda':
      return withQuery(`#/xda/${r.test}/${r.train}`, { class: r.target, ...displayParams(r) });
    case 'text':
      return withQuery('#/text', { t: r.text, class: r.target, pair: r.pair, ...displayParams(r) });
    case 'global':
      return '#/global';
    case 'not-found':
      return r.path;
  }
}
