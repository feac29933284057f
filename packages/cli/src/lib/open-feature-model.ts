/**
 * The one place the CLI opens a feature extractor: `onnx/model.onnx` through ONNX Runtime when the
 * checkpoint folder has it, else XDA's tfjs forward over the safetensors weights (a plain
 * `save_pretrained` folder is enough). The built-in forward is the network XDA explains, so its
 * features are the ones the heatmaps decompose; ONNX is the faster path.
 */
import { ModelLoadError, ONNX_MODEL_FILE, openModel, type Checkpoint, type FeatureForward, type FeatureModel, type OpenModelOptions } from '@dualxda/llm-adapter';
import { createXdaModel, forwardBatch, isXdaError, useXdaBackend, type XdaModel } from '@dualxda/xda';
import { muteTfjsBanner, xdaBackend } from '../steps/xda-engine.js';

/**
 * XDA's tfjs model of `ckpt` as llm-adapter's built-in forward, on the backend `openXdaEngine`
 * uses (`xdaBackend()`: wasm unless DUALXDA_XDA_BACKEND=cpu; tfjs backends are process-wide).
 *
 * @throws ModelLoadError naming `onnx/model.onnx` when XDA has no forward for the architecture.
 * @example
 * const model = await openModel(dir, { forward: openXdaForward });
 */
export async function openXdaForward(ckpt: Checkpoint): Promise<FeatureForward> {
  muteTfjsBanner();
  const backend = xdaBackend();
  await useXdaBackend(backend);
  let model: XdaModel;
  try {
    model = createXdaModel(ckpt.weights, ckpt.config);
  } catch (cause) {
    if (!isXdaError(cause, 'ModelWeightsError')) throw cause;
    const why = `file is missing and the built-in forward cannot run this checkpoint (${(cause as Error).message}); export the graph (docs/llm-adapter.md)`;
    throw new ModelLoadError(ckpt.dir, ONNX_MODEL_FILE, why, { cause });
  }
  return {
    name: `tfjs-${backend}`,
    run(batch, want) {
      const out = forwardBatch(model, batch, { features: want.features, hiddenStates: want.lastHiddenState });
      return { features: out.features, lastHiddenState: out.hiddenStates };
    },
    release: () => model.dispose(),
  };
}

/**
 * `openModel` with XDA's forward as the fallback for folders without an ONNX graph.
 *
 * @example
 * const fm = await openFeatureModel('packages/llm-adapter/assets/spam-bert');
 * fm.runner.kind; // 'onnx' (the folder has onnx/model.onnx)
 */
export function openFeatureModel(dir: string, options: OpenModelOptions = {}): Promise<FeatureModel> {
  return openModel(dir, { forward: openXdaForward, ...options });
}
