import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a solver worker from the built .js file, or from the .ts source (vitest, tsx): Node 20
 * does not apply `--import tsx` hooks to a worker's entry module, so a tiny eval'd bootstrap
 * registers tsx inside the worker and then imports the .ts entry. `name` is the entry's base name.
 */
export function spawnSolverWorker(name: string, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData });
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  // require.resolve yields the CJS build; its ESM twin (same folder, per tsx's export map) registers correctly.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData, execArgv: ['--conditions=@dualxda/source'] });
}
