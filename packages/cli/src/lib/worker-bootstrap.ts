/**
 * Starting a `worker_threads` worker from the TypeScript sources (tsx, vitest) and from dist/ alike.
 * A loader registered in the main thread does not reach workers (Node 20), so a `.ts` entry gets
 * tsx's loader and the `@dualxda/source` condition registered inside the worker by a tiny eval'd
 * bootstrap; a `.js` entry is imported as is.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The worker entry `name` beside `base` (an `import.meta.url`), with `base`'s extension. */
export function entryBeside(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/**
 * Source to run with `new Worker(code, { eval: true })`. A load failure is posted to the parent as
 * `{ type: 'fatal', message }`, the protocol every CLI worker shares.
 */
export function workerBootstrap(entry: URL): string {
  // The ESM build of tsx's API: require.resolve finds the CommonJS one (index.cjs), whose
  // register() cannot locate its loader from inside a worker; index.mjs sits beside it.
  const tsx = entry.pathname.endsWith('.ts') ? pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href : undefined;
  const hook = `export function resolve(s, c, next) { return next(s, c.conditions.includes('@dualxda/source') ? c : { ...c, conditions: [...c.conditions, '@dualxda/source'] }); }`;
  return `(async () => {
    ${tsx === undefined ? '' : `(await import(${JSON.stringify(tsx)})).register(); (await import('node:module')).register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`}
    await import(${JSON.stringify(entry.href)});
  })().catch((e) => require('node:worker_threads').parentPort.postMessage({ type: 'fatal', message: String(e && e.stack || e) }));`;
}
