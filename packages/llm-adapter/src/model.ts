import { loadCheckpoint, ONNX_MODEL_FILE, type Checkpoint } from './checkpoint/load-checkpoint.js';
import type { EmbedOptions } from './embed/embed-options.js';
import { embedTexts, type EmbedResult } from './embed/embed-texts.js';
import { ModelLoadError } from './errors.js';
import { createForwardRunner, type OpenFeatureForward } from './forward/create-forward-runner.js';
import { createOnnxRunner } from './onnx/create-runner.js';
import type { FeatureRunner } from './onnx/feature-runner.js';
import type { RunnerOptions } from './onnx/runner-options.js';

/** A checkpoint plus what runs it (ONNX session or built-in forward): the feature extractor. */
export interface FeatureModel {
  readonly checkpoint: Checkpoint;
  readonly runner: FeatureRunner;
  /** Features (+ logits) for texts, in input order; see `embedTexts`. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<EmbedResult>;
  /** Frees the ONNX session or the forward's weights. */
  release(): Promise<void>;
}

/** Options of `openModel`: the ONNX runner's, plus the fallback forward. */
export interface OpenModelOptions extends RunnerOptions {
  /**
   * Builds the forward used when the folder has no `onnx/model.onnx` (a plain `save_pretrained`
   * folder). Ignored when the graph exists: ONNX Runtime is the faster path. Default: none, so such
   * a folder is refused with the way out.
   */
  forward?: OpenFeatureForward;
}

/**
 * Loads a local HF checkpoint folder and opens its ONNX graph, or, when it has none, the injected
 * built-in forward (`options.forward`).
 *
 * @throws ModelLoadError naming `onnx/model.onnx` when the folder has no graph and no forward was given.
 * @example
 * const model = await openModel('packages/llm-adapter/assets/spam-bert');
 * const { features, logits, dim } = await model.embed(['win a free cruise'], { head: 'sequence' });
 * await model.release();
 */
export async function openModel(dir: string, options: OpenModelOptions = {}): Promise<FeatureModel> {
  const checkpoint = await loadCheckpoint(dir);
  const { forward, ...runnerOptions } = options;
  let runner: FeatureRunner;
  if (checkpoint.onnxPath !== null) runner = await createOnnxRunner(checkpoint.onnxPath, runnerOptions);
  else if (forward !== undefined) runner = createForwardRunner(checkpoint, await forward(checkpoint));
  else {
    throw new ModelLoadError(
      checkpoint.dir,
      ONNX_MODEL_FILE,
      'file is missing and no built-in forward was given: export the graph (docs/llm-adapter.md), ' +
        'or pass openModel(dir, { forward }) (the dualxda CLI does this with the tfjs forward of @dualxda/xda)',
    );
  }
  return {
    checkpoint,
    runner,
    embed: (texts, opts) => embedTexts(checkpoint, runner, texts, opts),
    release: () => runner.release(),
  };
}
