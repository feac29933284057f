/**
 * The dashboard's HTTP server (node:http only): JSON API under /api, the built app for every other
 * GET. GET/HEAD only, no request bodies, bounded URLs, and a Host allow-list on every bind
 * address, wildcards included (DNS rebinding, host-check.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { checkHost, createHostAllowList, formatAllowedHost, type AllowedHost } from './host-check.js';
import { ApiReply } from './api-reply.js';
import { HttpError } from './http-error.js';
import { MAX_TEXT_CHARS } from './api-text.js';
import { warmUp, type WarmUpReport } from './warm-up.js';
import { openDashboardData } from './open-data.js';
import { routeApi } from './router.js';
import { resolveServeOptions, type ServeOptions } from './serve-options.js';
import { createServiceState, type ServiceState } from './service-state.js';
import { resolveStatic } from './static-files.js';

/** Longest accepted request target. */
export const MAX_URL_CHARS = 2048;
/**
 * Longest request target of the endpoints that carry a typed text (`/api/text`, `/api/xda?text=`):
 * 2,000 characters percent-encoded take up to 9 bytes each (a 3-byte UTF-8 character).
 */
export const MAX_TEXT_URL_CHARS = 9 * MAX_TEXT_CHARS + 512;

/** A running server. */
export interface DashboardServer {
  url: string;
  port: number;
  host: string;
  /** What the Host header may name (`name:port`, or `name (any port)` for `--allow-host NAME`). */
  allowedHosts: string[];
  /** Settles when the background warm-up of the caches is done (undefined when it was switched off). */
  warmed: Promise<WarmUpReport | undefined>;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * Opens the data (unless given), binds and starts serving.
 *
 * @example
 * const server = await startDashboardServer({ store: 'runs/agnews/train', port: 4173 });
 * console.log(`open ${server.url}`);
 */
export async function startDashboardServer(options: ServeOptions): Promise<DashboardServer> {
  const opts = resolveServeOptions(options);
  const data = opts.data ?? (await openDashboardData({ store: opts.store ?? '', test: opts.test, model: opts.model, xdaFactory: opts.xdaFactory, allowMismatch: opts.allowMismatch, warn: opts.warn }));
  const state = await createServiceState(data);
  // Filled once the port is known; until then (no request can arrive before listen) nothing passes.
  const hosts: { allowed: AllowedHost[]; port: number } = { allowed: [], port: 0 };
  // Room in the request head for a typed text's URL (Node's default head limit is 16 KiB).
  const server = createServer({ maxHeaderSize: 2 * MAX_TEXT_URL_CHARS }, (req, res) => {
    handle(state, opts.assetsDir, hosts, req, res).catch((err: unknown) => sendError(res, err));
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  hosts.port = port;
  hosts.allowed = createHostAllowList({ bindHost: opts.host, port, allowHosts: opts.allowHosts, hostname: hostname(), interfaceAddresses: Object.values(networkInterfaces()).flatMap((a) => a ?? []) });
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closed = false;
  const warming = opts.warmUp ? warmUp(state, () => closed) : undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host: opts.host,
    allowedHosts: hosts.allowed.map(formatAllowedHost),
    warmed: warming ?? Promise.resolve(undefined),
    close: async () => {
      closed = true;
      await new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolveClose()));
      });
      // Only what the server opened itself: data passed in belongs to the caller.
      if (opts.data === undefined) await data.release?.();
    },
  };
}

async function handle(state: ServiceState, assetsDir: string, hosts: { allowed: readonly AllowedHost[]; port: number }, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? '/';
  const limit = raw.startsWith('/api/text?') || raw.startsWith('/api/xda?') ? MAX_TEXT_URL_CHARS : MAX_URL_CHARS;
  if (raw.length > limit) throw new HttpError(414, `request target longer than ${limit} characters`);
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `method ${req.method ?? '?'} not allowed (the dashboard is read-only)`);
  const length = Number(req.headers['content-length'] ?? '0');
  if (req.headers['transfer-encoding'] !== undefined || !(length === 0)) throw new HttpError(413, 'request bodies are not accepted');
  const host = checkHost(hosts.allowed, req.headers.host, hosts.port);
  if (!host.ok) throw new HttpError(host.status, host.message);
  if (!raw.startsWith('/')) throw new HttpError(400, 'request target must be an absolute path');
  checkRawPath(raw.split('?')[0]);
  // Concatenate rather than resolve, so '//host/x' stays a path and is not read as an authority.
  const url = new URL(`http://localhost${raw}`);
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const t0 = performance.now();
    // Aborted when the client goes away before the answer: /api/xda then stops waiting for its pair.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const result = await routeApi(state, url, gone.signal);
    const reply = result instanceof ApiReply ? result : undefined;
    const body = JSON.stringify(reply === undefined ? result : reply.body);
    // Server-Timing lets the browser devtools and tools/bench/serve.ts separate handler time from transport.
    res.setHeader('server-timing', `app;dur=${(performance.now() - t0).toFixed(2)}`);
    send(res, reply?.status ?? 200, 'application/json; charset=utf-8', Buffer.from(body), req.method === 'HEAD', 'no-store', reply?.headers);
    return;
  }
  const file = await resolveStatic(assetsDir, url.pathname);
  send(res, 200, file.type, file.body, req.method === 'HEAD', url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** Refuses dot segments, empty segments, NUL and bad escapes before WHATWG URL parsing could normalise them away. */
function checkRawPath(rawPath: string): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in path');
  }
  const segments = decoded.split('/').slice(1);
  if (decoded.includes('\\') || decoded.includes('\0') || segments.some((seg, i) => seg === '..' || seg === '.' || (seg === '' && i < segments.length - 1))) {
    throw new HttpError(400, 'path not allowed');
  }
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, headOnly: boolean, cache: string, extra: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...extra, ...SECURITY_HEADERS, 'content-type': type, 'content-length': body.length, 'cache-control': cache });
  res.end(headOnly ? undefined : body);
}

function sendError(res: ServerResponse, err: unknown): void {
  const status = err instanceof HttpError ? err.status : 500;
  // Internal errors keep their message (local tool, no secrets) but never a stack trace.
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify({ error: message, status })), false, 'no-store', err instanceof HttpError ? err.headers : {});
}
