import type { Checkpoint, FeatureForward } from '@dualxda/llm-adapter';
import { createXdaModel, forwardBatch, useXdaBackend, type XdaBackend } from '@dualxda/xda';

/**
 * The built-in (no ONNX graph) forward as the CLI wires it (packages/cli/src/lib/open-feature-model.ts,
 * which tools may not import): XDA's tfjs model run as llm-adapter's `FeatureForward`, for
 * `openModel(dir, { forward: xdaFeatureForward('wasm') })` in benches and tests.
 */
export function xdaFeatureForward(backend: XdaBackend): (ckpt: Checkpoint) => Promise<FeatureForward> {
  return async (ckpt) => {
    await useXdaBackend(backend);
    const model = createXdaModel(ckpt.weights, ckpt.config);
    return {
      name: `tfjs-${backend}`,
      run: (batch, want) => {
        const o = forwardBatch(model, batch, { features: want.features, hiddenStates: want.lastHiddenState });
        return { features: o.features, lastHiddenState: o.hiddenStates };
      },
      release: () => model.dispose(),
    };
  };
}
