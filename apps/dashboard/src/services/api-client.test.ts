import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, testListQuery, type FetchLike } from './api-client.js';

function fakeFetch(routes: Record<string, [number, unknown]>, seen: string[]): FetchLike {
  return async (url) => {
    seen.push(url);
    const [status, body] = routes[url] ?? [404, { error: `no route ${url}` }];
    return { ok: status < 400, status, json: async () => body };
  };
}

describe('api client', () => {
  it('builds list queries without empty filters', () => {
    expect(testListQuery({ q: '  goal ', pred: 1, label: null, misclassified: true }, 100, 50)).toBe('q=goal&pred=1&misclassified=1&offset=100&limit=50');
    expect(testListQuery({ q: '', pred: null, label: 0, misclassified: false }, 0, 10)).toBe('label=0&offset=0&limit=10');
  });

  it('requests the documented endpoints and returns their JSON', async () => {
    const seen: string[] = [];
    const api = createApiClient('http://h', fakeFetch({ 'http://h/api/tests/3?k=5&class=1': [200, { row: 3 }], 'http://h/api/xda?test=1&train=2&wait=2000': [200, { method: 'm' }], 'http://h/api/xda?test=1&train=2&class=0&wait=2000': [200, { method: 'c0' }] }, seen));
    expect(await api.test(3, 5, 1)).toEqual({ row: 3 });
    expect(await api.xda(1, 2)).toEqual({ method: 'm' });
    expect(await api.xda(1, 2, 0)).toEqual({ method: 'c0' });
    expect(seen).toEqual(['http://h/api/tests/3?k=5&class=1', 'http://h/api/xda?test=1&train=2&wait=2000', 'http://h/api/xda?test=1&train=2&class=0&wait=2000']);
  });

  it('sends a typed text URL-encoded, to /api/text and as the test side of /api/xda', async () => {
    const seen: string[] = [];
    const api = createApiClient('', async (url) => {
      seen.push(url);
      return { ok: true, status: 200, json: async () => ({}) };
    });
    await api.text('win & "cash"?', 5, 1);
    await api.xda({ text: 'a b#c' }, 7);
    expect(seen).toEqual(['/api/text?text=win+%26+%22cash%22%3F&k=5&class=1', '/api/xda?text=a+b%23c&train=7&wait=2000']);
  });

  it('turns error bodies into ApiError with the server message', async () => {
    const api = createApiClient('', fakeFetch({ '/api/xda?test=1&train=2&wait=2000': [404, { error: 'no model' }] }, []));
    const err = await api.xda(1, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
    expect((err as ApiError).message).toBe('no model');
  });

  it('reports a non-JSON answer as text, not as a JSON parse error', async () => {
    const html: FetchLike = async () => ({ ok: false, status: 502, json: async () => JSON.parse('<'), text: async () => '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    const err = await createApiClient('', html).summary().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('HTTP 502 from /api/summary: the server did not answer with JSON (502 Bad Gateway)');
    const ok: FetchLike = async () => ({ ok: true, status: 200, json: async () => ({}), text: async () => '{"row":1}' });
    expect(await createApiClient('', ok).test(1, 1)).toEqual({ row: 1 });
  });

  it('sends the sort key and its order only when set', () => {
    expect(testListQuery({ q: '', pred: null, label: null, misclassified: false, sort: '-margin' }, 0, 1)).toBe('sort=margin&order=desc&offset=0&limit=1');
    expect(testListQuery({ q: '', pred: null, label: null, misclassified: false, sort: 'loss' }, 0, 1)).toBe('sort=loss&order=asc&offset=0&limit=1');
  });
});
