import { InvalidOptionError } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { checkStoreDir, resolvePath, resolveStoreInput } from '../../lib/inputs.js';
import { defaultAssetsDir, startDashboardServer, type XdaFactory } from '../../serve/index.js';
import { createXdaPool, type XdaPool } from '../../serve/xda-pool.js';
import { ensureDashboardBuilt } from './ensure-dashboard.js';
import type { ServeCliOptions } from './spec.js';

/** Worker threads of the XDA pool: `$DUALXDA_XDA_WORKERS`, else the pool's default (min(2, cores - 1)). */
function xdaWorkers(): number | undefined {
  const raw = process.env['DUALXDA_XDA_WORKERS'];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidOptionError('DUALXDA_XDA_WORKERS', `must be an integer in [1, 64], got '${raw}'`);
  return n;
}

/**
 * XDA for the dashboard: the same engine and α = 0 rule as `dualxda xda` (steps/xda-engine.ts), run
 * in a pool of worker threads (serve/xda-pool.ts), each with the checkpoint loaded once, so a
 * relevance pass never blocks the server's event loop. The heatmaps start from the attribution
 * α[train, target]·⟨f_test, f_train⟩ and come with their budget; a pair with α = 0 gets attribution
 * 0 and kernel-only heatmaps, labelled.
 */
function createPoolFactory(): { factory: XdaFactory; close: () => Promise<void> } {
  let pool: XdaPool | undefined;
  return {
    factory: async (modelDir, options = {}) => {
      const size = xdaWorkers();
      pool = await createXdaPool({ ...(size === undefined ? {} : { size }), workerData: { modelDir, ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }) } });
      return pool.provider;
    },
    close: async () => pool?.close(),
  };
}

/** `dualxda serve STORE`: runs until Ctrl-C. */
export async function serve(options: ServeCliOptions, ctx: RunContext): Promise<void> {
  // STORE and --test may be http(s) URLs of a static file server; serve only reads them.
  const store = await checkStoreDir(resolveStoreInput(ctx.cwd, options.store));
  await ensureDashboardBuilt(defaultAssetsDir(), (line) => ctx.print(line));
  const xda = createPoolFactory();
  const server = await startDashboardServer({
    store,
    ...(options.test === undefined ? {} : { test: resolveStoreInput(ctx.cwd, options.test) }),
    ...(options.model === undefined ? {} : { model: resolvePath(ctx.cwd, options.model) }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.allowHosts === undefined ? {} : { allowHosts: options.allowHosts }),
    allowMismatch: options.allowMismatch === true,
    warn: (line) => ctx.warn(line),
    xdaFactory: xda.factory,
  });
  ctx.emitJson({ url: server.url, port: server.port, host: server.host, allowedHosts: server.allowedHosts });
  ctx.print(`dashboard: ${server.url}  (Ctrl-C to stop)`);
  // Exposed on purpose: say which names the browser may use (others get 403, DNS-rebinding protection).
  if (server.allowedHosts.some((h) => !/^(localhost|127\.0\.0\.1|\[::1\]):/.test(h))) ctx.print(`answers to Host: ${server.allowedHosts.join(', ')} (more with --allow-host NAME)`);
  await new Promise<void>((resolveStop) => {
    if (ctx.signal.aborted) resolveStop();
    ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
  });
  await server.close();
  await xda.close();
}
