import { loadCheckpoint, type Checkpoint } from './checkpoint/load-checkpoint.js';
import type { EmbedOptions } from './embed/embed-options.js';
import { embedTexts, type EmbedResult } from './embed/embed-texts.js';
import { createOnnxRunner, type OnnxRunner } from './onnx/create-runner.js';
import type { RunnerOptions } from './onnx/runner-options.js';

/** A checkpoint plus its ONNX session: the feature extractor. */
export interface FeatureModel {
  readonly checkpoint: Checkpoint;
  readonly runner: OnnxRunner;
  /** Features (+ logits) for texts, in input order; see `embedTexts`. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<EmbedResult>;
  /** Frees the ONNX session. */
  release(): Promise<void>;
}

/**
 * Loads a local HF checkpoint folder and opens its ONNX graph.
 *
 * @example
 * const model = await openModel('packages/llm-adapter/assets/spam-bert');
 * const { features, logits, dim } = await model.embed(['win a free cruise'], { head: 'sequence' });
 * await model.release();
 */
export async function openModel(dir: string, options: RunnerOptions = {}): Promise<FeatureModel> {
  const checkpoint = await loadCheckpoint(dir);
  const runner = await createOnnxRunner(checkpoint.onnxPath, options);
  return {
    checkpoint,
    runner,
    embed: (texts, opts) => embedTexts(checkpoint, runner, texts, opts),
    release: () => runner.release(),
  };
}
