import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route.js';

describe('hash routes', () => {
  it.each<Route>([{ view: 'tests' }, { view: 'test', row: 12 }, { view: 'test', row: 3, target: 2 }, { view: 'train', row: 0 }, { view: 'xda', test: 4, train: 99 }, { view: 'xda', test: 1, train: 7, target: 0 }, { view: 'global' }])('round-trips %j', (r) => {
    expect(parseRoute(formatRoute(r))).toEqual(r);
  });

  it.each(['', '#', '#/test/abc', '#/test/-1', '#/test/1/2', '#/xda/1', '#/train/1e3', '#/nope', '#/test/12345678901'])('sends malformed %s to the test list', (h) => {
    expect(parseRoute(h)).toEqual({ view: 'tests' });
  });
});
