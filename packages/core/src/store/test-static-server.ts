/**
 * A plain static file server on 127.0.0.1 for tests of stores read over HTTP: GET/HEAD of files
 * under `root`, 404 for anything else, and an optional hook that answers a chosen status instead.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/** A running test server. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Request paths seen, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `root`; `override(path)` may return a status (e.g. 500) to answer instead of the file. */
export async function serveDirectory(root: string, override?: (path: string) => number | undefined): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const status = override?.(path);
    if (status !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    stat(file)
      .then(async (s) => {
        if (!s.isFile()) throw new Error('not a file');
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
      })
      .catch(() => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
