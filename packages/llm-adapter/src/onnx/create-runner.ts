import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { basename, dirname } from 'node:path';
import { InvalidOptionError } from '@dualxda/core';
import { ModelLoadError } from '../errors.js';
import type { FeatureRunner, RunnerOutputs } from './feature-runner.js';
import { DEFAULT_RUNNER_OPTIONS, resolveRunnerOptions, type RunnerOptions } from './runner-options.js';

export type { RunnerOutputs } from './feature-runner.js';

/** A loaded ONNX session for one checkpoint. */
export interface OnnxRunner extends FeatureRunner {
  readonly kind: 'onnx';
  /** The execution provider actually in use (after any fallback). */
  readonly executionProvider: 'cpu' | 'cuda';
}

const OUTPUT_NAMES: Record<keyof RunnerOutputs, string> = {
  logits: 'logits',
  features: 'features',
  lastHiddenState: 'last_hidden_state',
};

/**
 * Opens `onnx/model.onnx` with ONNX Runtime. CUDA is tried only when asked for; if its provider
 * is not installed, the session falls back to CPU and `onWarning` is told why.
 *
 * @example
 * const runner = await createOnnxRunner(ckpt.onnxPath, { executionProvider: 'cpu' });
 */
export async function createOnnxRunner(onnxPath: string, options: RunnerOptions = DEFAULT_RUNNER_OPTIONS): Promise<OnnxRunner> {
  const opts = resolveRunnerOptions(options);
  const base: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (opts.intraOpThreads > 0) base.intraOpNumThreads = opts.intraOpThreads;
  let session: InferenceSession | null = null;
  let provider: 'cpu' | 'cuda' = 'cpu';
  if (opts.executionProvider === 'cuda') {
    try {
      // Fatal-only logging: a missing CUDA provider is expected here and reported via onWarning.
      session = await InferenceSession.create(onnxPath, { ...base, logSeverityLevel: 4, executionProviders: ['cuda'] });
      provider = 'cuda';
    } catch (cause) {
      opts.onWarning(`CUDA execution provider unavailable, using CPU (${String((cause as Error).message ?? cause)})`);
    }
  }
  if (session === null) {
    try {
      session = await InferenceSession.create(onnxPath, { ...base, executionProviders: ['cpu'] });
    } catch (cause) {
      throw new ModelLoadError(dirname(onnxPath), basename(onnxPath), `ONNX Runtime could not load the graph (${String((cause as Error).message ?? cause)})`, { cause });
    }
  }
  return wrapSession(session, provider, onnxPath);
}

function wrapSession(session: InferenceSession, executionProvider: 'cpu' | 'cuda', onnxPath: string): OnnxRunner {
  const known = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
  const unknown = session.inputNames.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new ModelLoadError(dirname(onnxPath), basename(onnxPath), `unsupported graph inputs: ${unknown.join(', ')}`);
  return {
    kind: 'onnx',
    executionProvider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(batch, want) {
      const dims = [batch.rows, batch.seqLen];
      const feeds: Record<string, OrtTensor> = {
        input_ids: new OrtTensor('int64', batch.inputIds, dims),
        attention_mask: new OrtTensor('int64', batch.attentionMask, dims),
        token_type_ids: new OrtTensor('int64', batch.tokenTypeIds, dims),
      };
      const inputs: Record<string, OrtTensor> = {};
      for (const n of session.inputNames) inputs[n] = feeds[n] as OrtTensor;
      const fetches = want.map((k) => OUTPUT_NAMES[k]).filter((n) => session.outputNames.includes(n));
      const res = await session.run(inputs, fetches);
      const pick = (k: keyof RunnerOutputs): Float32Array | null => {
        const t = res[OUTPUT_NAMES[k]];
        if (t === undefined) return null;
        if (t.type !== 'float32') throw new InvalidOptionError('onnx output', `${OUTPUT_NAMES[k]} must be float32, got ${t.type}`);
        return t.data as Float32Array;
      };
      return { logits: pick('logits'), features: pick('features'), lastHiddenState: pick('lastHiddenState') };
    },
    release: () => session.release(),
  };
}
