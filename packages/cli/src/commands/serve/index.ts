import type { RunContext } from '../../context.js';
import { checkStoreDir, resolvePath } from '../../lib/inputs.js';
import { defaultAssetsDir, startDashboardServer, type XdaProvider } from '../../serve/index.js';
import { openXdaEngine } from '../../steps/xda-engine.js';
import { ensureDashboardBuilt } from './ensure-dashboard.js';
import type { ServeCliOptions } from './spec.js';

/**
 * XDA for the dashboard: heatmaps of the pair's attribution α[train, target]·⟨f_test, f_train⟩, so
 * both sides sum to the DualDA score shown next to them. A pair with α = 0 (not a support vector)
 * has attribution 0; its kernel heatmap (α = 1) is shown instead, which still says what the two
 * texts share.
 */
async function xdaFactory(modelDir: string): Promise<XdaProvider> {
  const engine = await openXdaEngine(modelDir);
  return async ({ testText, trainText, alpha }) => {
    const [pair] = engine.explain(testText, [trainText], [alpha === 0 ? 1 : alpha]);
    return { method: 'attnlrp', test: { tokens: [...pair!.test.tokens], scores: Array.from(pair!.test.scores) }, train: { tokens: [...pair!.train.tokens], scores: Array.from(pair!.train.scores) } };
  };
}

/** `dualxda serve STORE`: runs until Ctrl-C. */
export async function serve(options: ServeCliOptions, ctx: RunContext): Promise<void> {
  const store = await checkStoreDir(resolvePath(ctx.cwd, options.store));
  await ensureDashboardBuilt(defaultAssetsDir(), (line) => ctx.print(line));
  const server = await startDashboardServer({
    store,
    ...(options.test === undefined ? {} : { test: resolvePath(ctx.cwd, options.test) }),
    ...(options.model === undefined ? {} : { model: resolvePath(ctx.cwd, options.model) }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    xdaFactory,
  });
  ctx.emitJson({ url: server.url, port: server.port, host: server.host });
  ctx.print(`dashboard: ${server.url}  (Ctrl-C to stop)`);
  await new Promise<void>((resolveStop) => {
    if (ctx.signal.aborted) resolveStop();
    ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
  });
  await server.close();
}
