/**
 * Entry of an XDA pool worker (xda-pool.ts): loads the checkpoint's engine once, then answers one
 * pair per message. `workerData`: `{ modelDir, maxTokens? }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openXdaEngine, toWirePair } from '../steps/xda-engine.js';
import type { XdaWorkerReply } from './xda-pool.js';
import type { XdaPairRequest } from './types.js';

const port = parentPort;
if (port === null) throw new Error('xda-worker.ts runs only as a worker thread');
const { modelDir, maxTokens } = workerData as { modelDir: string; maxTokens?: number };
const reply = (msg: XdaWorkerReply): void => port.postMessage(msg);
try {
  const engine = await openXdaEngine(modelDir, maxTokens);
  port.on('message', ({ id, req }: { id: number; req: XdaPairRequest }) => {
    try {
      const opts = req.mode === undefined ? {} : { mode: req.mode };
      const [pair] = req.testTokens !== undefined && req.trainTokens !== undefined
        ? engine.explainTokens(req.testTokens, [req.trainTokens], [req.alpha], opts)
        : engine.explain(req.testText, [req.trainText], [req.alpha], opts);
      if (pair === undefined) throw new Error('the XDA engine returned no pair');
      reply({ type: 'done', id, pair: toWirePair(pair) });
    } catch (err) {
      reply({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  reply({ type: 'ready' });
} catch (err) {
  reply({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}
