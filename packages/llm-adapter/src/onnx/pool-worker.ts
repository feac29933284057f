/**
 * The code of one `createOnnxPoolRunner` worker: its own ONNX Runtime CPU session, running the
 * batches the main thread posts (messages: pool-protocol.ts). onnxruntime-node's `session.run`
 * blocks the thread it is called on, so a session per worker is what lets batches run side by
 * side, and the main thread tokenise and write meanwhile.
 *
 * Plain CommonJS, run with `eval: true`: a worker that loads no TypeScript starts in ~0.1 s
 * instead of ~0.5 s through tsx, and the same code serves the sources and the build.
 * `workerData.ort` is onnxruntime-node's resolved entry, so it loads the main thread's copy.
 */
export const POOL_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const post = (m, transfer) => parentPort.postMessage(m, transfer || []);
(async () => {
  const { InferenceSession, Tensor } = require(workerData.ort);
  const session = await InferenceSession.create(workerData.onnxPath, {
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    intraOpNumThreads: workerData.intraOpThreads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  parentPort.on('message', (m) => {
    if (m.type === 'close') {
      session.release().finally(() => parentPort.close());
      return;
    }
    const dims = [m.rows, m.seqLen];
    const feeds = {};
    for (const n of session.inputNames) feeds[n] = new Tensor('int64', m.inputs[n], dims);
    session.run(feeds, m.fetches).then((res) => {
      const outputs = {};
      const transfer = [];
      for (const name of m.fetches) {
        const t = res[name];
        if (t === undefined) continue;
        if (t.type !== 'float32') throw new Error(name + ' must be float32, got ' + t.type);
        // A copy we own: the tensor may view memory ORT owns, which cannot be transferred.
        const data = t.data.slice();
        outputs[name] = data;
        transfer.push(data.buffer);
      }
      post({ type: 'result', id: m.id, outputs }, transfer);
    }).catch((e) => post({ type: 'error', id: m.id, message: String((e && e.message) || e) }));
  });
  post({ type: 'ready', inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
})().catch((e) => post({ type: 'error', id: -1, message: String((e && e.message) || e) }));
`;
