import { describe, expect, it } from 'vitest';
import { formatRoute, MAX_TEXT_CHARS, parseRoute, type Route } from './route.js';

describe('hash routes', () => {
  it.each<Route>([
    { view: 'tests' },
    { view: 'tests', q: 'free =====  & ?#', pred: 1, label: 0, mis: true, sort: '-margin', at: 999_999 },
    { view: 'tests', sort: 'confidence' },
    { view: 'test', row: 12 },
    { view: 'test', row: 3, target: 2 },
    { view: 'train', row: 0 },
    { view: 'train-list' },
    { view: 'train-list', q: 'win', label: 1, sv: true, sort: '-self-influence', at: 42 },
    { view: 'xda', test: 4, train: 99 },
    { view: 'xda', test: 1, train: 7, target: 0 },
    { view: 'xda', test: 1, train: 7, target: 0, tokens: true, own: true },
    { view: 'xda', test: 1, train: 7, own: true },
    { view: 'text' },
    { view: 'text', text: 'Claim your FREE prize now & ?# =====', target: 1 },
    { view: 'text', text: 'win cash', pair: 12, target: 0, tokens: true, own: true },
    { view: 'global' },
  ])('round-trips %j', (r) => {
    expect(parseRoute(formatRoute(r))).toEqual(r);
  });

  it.each(['', '#', '#/'])('sends %s to the unfiltered test list', (h) => {
    expect(parseRoute(h)).toEqual({ view: 'tests' });
  });

  it.each(['#/test/abc', '#/test/-1', '#/test/1/2', '#/xda/1', '#/train/1e3', '#/nope', '#/test/12345678901', '#/text/xda/3', '#/text/1?t=a'])('sends malformed %s to not-found', (h) => {
    expect(parseRoute(h)).toEqual({ view: 'not-found', path: h });
  });

  it('keeps typed text up to the limit and drops a blank one', () => {
    expect(parseRoute(`#/text?t=${'a'.repeat(MAX_TEXT_CHARS + 50)}`)).toEqual({ view: 'text', text: 'a'.repeat(MAX_TEXT_CHARS) });
    expect(parseRoute('#/text?t=%20%20')).toEqual({ view: 'text' });
  });

  it('drops invalid list parameters instead of failing', () => {
    expect(parseRoute('#/?pred=x&label=-1&mis=yes&sort=random&at=0&q=')).toEqual({ view: 'tests' });
    expect(formatRoute({ view: 'tests', at: 0, q: '' })).toBe('#/');
  });
});
