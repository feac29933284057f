/**
 * Serves the built dashboard (apps/dashboard/dist) and nothing else: decoded paths with '..',
 * backslashes or NUL are refused, and the resolved file must lie inside the assets root.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { HttpError } from './http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A static file ready to send. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

/** Maps a URL pathname to a file under `root`; unknown extension-less paths fall back to index.html (client routing). */
export async function resolveStatic(root: string, pathname: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in path');
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((seg) => seg === '..')) throw new HttpError(400, 'path not allowed');
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const rootAbs = resolve(root);
  const file = resolve(rootAbs, rel);
  if (!file.startsWith(rootAbs + sep)) throw new HttpError(400, 'path not allowed');
  const type = TYPES[extname(file)];
  if (await isFile(file)) {
    if (type === undefined) throw new HttpError(404, 'not found');
    // A symlink inside the build must not lead out of it either.
    const real = await realpath(file);
    if (!real.startsWith((await realpath(rootAbs)) + sep)) throw new HttpError(404, 'not found');
    return { body: await readFile(file), type };
  }
  const index = resolve(rootAbs, 'index.html');
  if (!(await isFile(index))) throw new HttpError(404, `the dashboard is not built: ${index} is missing (run \`npx nx run @dualxda/dashboard:build\`)`);
  if (extname(rel) === '') return { body: await readFile(index), type: TYPES['.html'] };
  throw new HttpError(404, 'not found');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
