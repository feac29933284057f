import type { PaddedBatch } from '../tokenize/pad-batch.js';

/** Raw outputs of one forward pass; an entry is null when not requested or not produced. */
export interface RunnerOutputs {
  /** [rows, K] */
  logits: Float32Array | null;
  /** [rows, d] */
  features: Float32Array | null;
  /** [rows, seqLen, H] */
  lastHiddenState: Float32Array | null;
}

/**
 * What `embedTexts` runs a padded batch through: the ONNX session (`createOnnxRunner`) or a
 * built-in forward over the safetensors weights (`createForwardRunner`). Output names follow the
 * ONNX export (`logits`, `features`, `last_hidden_state`); a runner lists only those it produces.
 */
export interface FeatureRunner {
  /** 'onnx': onnxruntime-node runs `onnx/model.onnx`; 'builtin': an injected forward (see `FeatureForward`). */
  readonly kind: 'onnx' | 'builtin';
  /** Where it runs: the ONNX execution provider in use, or the built-in forward's name (e.g. 'tfjs-wasm'). */
  readonly executionProvider: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(batch: PaddedBatch, want: readonly (keyof RunnerOutputs)[]): Promise<RunnerOutputs>;
  release(): Promise<void>;
}
