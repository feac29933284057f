/**
 * Read-only access to a store published by a plain static file server (`python3 -m http.server`,
 * nginx, a bucket's website endpoint). Keys map to `<url>/<key>` GETs through zarrita's
 * `FetchStore`; 404 means "missing", exactly like a missing file, so every reader (manifest,
 * checksum sidecars, chunks, the `dualda/` model group) works unchanged and verifies what it reads.
 */
import { FetchStore } from '@zarrita/storage';
import { DualxdaError } from '../errors.js';

/** A GET of a store key failed for another reason than 404, or the server could not be reached. */
export class StoreHttpError extends DualxdaError {
  constructor(
    readonly url: string,
    /** HTTP status; undefined when no response came (refused, DNS, TLS, reset). */
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('StoreHttpError', `${url}: ${message}`, options);
  }
}

/** Something tried to write (a chunk, a model, a run file) to a store that is only readable over HTTP. */
export class ReadOnlyStoreError extends DualxdaError {
  constructor(readonly url: string) {
    super('ReadOnlyStoreError', `${url}: cannot write to an HTTP store; copy it locally or use a shared file system`);
  }
}

/**
 * True when `location` is an http(s) URL rather than a filesystem path.
 *
 * @example
 * isHttpUrl('http://127.0.0.1:8000/train.zarr'); // true
 * isHttpUrl('runs/train'); // false
 */
export function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * The URL of `key` inside the store at `base` (query string kept, so signed URLs keep working).
 *
 * @example
 * storeKeyUrl('http://h/train.zarr', 'dualda'); // 'http://h/train.zarr/dualda'
 */
export function storeKeyUrl(base: string, key: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const out = new URL(key.replace(/^\//, ''), url);
  out.search = url.search;
  return out.href;
}

/** The low-level reason of a failed fetch (undici puts `ECONNREFUSED` etc. on `cause`). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** `fetch` that turns anything but 2xx / 404 into a `StoreHttpError` naming the key's URL and status. */
async function checkedFetch(request: Request): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(request);
  } catch (cause) {
    throw new StoreHttpError(request.url, undefined, `cannot reach the server (${networkReason(cause)})`, { cause });
  }
  if (response.ok || response.status === 404) return response;
  // Drain the body so the connection can be reused; its text is not shown (it may be an HTML page).
  await response.body?.cancel().catch(() => undefined);
  throw new StoreHttpError(request.url, response.status, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
}

/**
 * A zarrita `FetchStore` for `url` whose failures name the URL and the status (404 stays "missing").
 *
 * @example
 * const store = openHttpStore('http://127.0.0.1:8000/train.zarr/dualda');
 * await zarr.open(zarr.root(store), { kind: 'group' });
 */
export function openHttpStore(url: string): FetchStore {
  return new FetchStore(url.replace(/\/+$/, ''), { fetch: checkedFetch });
}
