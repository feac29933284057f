/**
 * Static file servers for the HTTP-store tests: a plain Node one on 127.0.0.1 (port 0) with an
 * optional status override, and `python3 -m http.server` when python3 is installed (CI has it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/** A running server: `url` has no trailing slash. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the files under `root`; `override(path)` may answer a status (e.g. 500) instead. */
export async function serveDirectory(root: string, override?: (path: string) => number | undefined): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const status = override?.(path);
    if (status !== undefined) return void res.writeHead(status).end(`status ${status}`);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) return void res.writeHead(403).end();
    stat(file)
      .then(async (s) => {
        if (!s.isFile()) throw new Error('not a file');
        const body = await readFile(file);
        res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
      })
      .catch(() => res.writeHead(404).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The system python3 the tests use for `http.server`, when there is one. */
/** Debian's python3 (npm test's pretest installs python3-numpy, which brings it). */
export const PYTHON3 = '/usr/bin/python3';

/** `python3 -m http.server --bind 127.0.0.1 0` in `root`; resolves once it printed its port. */
export function servePython(python: string, root: string): Promise<StaticServer> {
  const child: ChildProcess = spawn(python, ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`python3 http.server did not start: ${out}`))), 10_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${m[1]}`, close: stop });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`python3 http.server exited with ${code}: ${out}`));
    });
  });
}
