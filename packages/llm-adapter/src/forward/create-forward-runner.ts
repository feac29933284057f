import type { Checkpoint } from '../checkpoint/load-checkpoint.js';
import { ModelLoadError } from '../errors.js';
import type { FeatureRunner, RunnerOutputs } from '../onnx/feature-runner.js';
import type { PaddedBatch } from '../tokenize/pad-batch.js';

/** What a built-in forward returns for one padded batch; an entry is null when not asked for. */
export interface ForwardOutputs {
  /** [rows, d]: the sequence head's input (BERT: pooler output, or [CLS] without a pooler; decoders: last real token after the final norm). */
  features: Float32Array | null;
  /** [rows, seqLen, H]: final hidden states (the token head's input), padded positions included. */
  lastHiddenState: Float32Array | null;
}

/**
 * A feature forward over the checkpoint's own weights, for folders without `onnx/model.onnx`.
 * llm-adapter does not ship one (it would have to depend on @dualxda/xda); the caller injects it
 * through `openModel(dir, { forward })`, as the dualxda CLI does with XDA's tfjs forward.
 */
export interface FeatureForward {
  /** Shown as the runner's `executionProvider` (e.g. 'tfjs-wasm'). */
  readonly name: string;
  run(batch: PaddedBatch, want: { features: boolean; lastHiddenState: boolean }): ForwardOutputs | Promise<ForwardOutputs>;
  release(): void | Promise<void>;
}

/** Builds the built-in forward of a loaded checkpoint. */
export type OpenFeatureForward = (checkpoint: Checkpoint) => FeatureForward | Promise<FeatureForward>;

/**
 * Wraps a built-in forward as a `FeatureRunner`. It lists no `logits` output on purpose:
 * `embedTexts` then computes the logits as features · Wᵀ + b with the checkpoint's head, and
 * `extractFeatures` skips the head-consistency check, which would compare that product with
 * itself (trivially true: the features are by construction what the head multiplies).
 *
 * @throws ModelLoadError when the forward returns arrays of the wrong size (names the output).
 * @example
 * const runner = createForwardRunner(ckpt, await openXdaForward(ckpt));
 * const { features } = await runner.run(padBatch([[101, 7592, 102]], 0), ['features']);
 */
export function createForwardRunner(ckpt: Checkpoint, forward: FeatureForward): FeatureRunner {
  const H = ckpt.hiddenSize;
  const check = (name: string, a: Float32Array | null, want: boolean, size: number): Float32Array | null => {
    if (!want) return null;
    if (a === null || a.length !== size) {
      throw new ModelLoadError(ckpt.dir, ckpt.weightFiles.join(', '), `the built-in forward "${forward.name}" gave ${a?.length ?? 'no'} values for "${name}", expected ${size}`);
    }
    return a;
  };
  return {
    kind: 'builtin',
    executionProvider: forward.name,
    inputNames: ['input_ids', 'attention_mask', 'token_type_ids'],
    outputNames: ['features', 'last_hidden_state'],
    async run(batch, want): Promise<RunnerOutputs> {
      const w = { features: want.includes('features'), lastHiddenState: want.includes('lastHiddenState') };
      const out = await forward.run(batch, w);
      return {
        logits: null,
        features: check('features', out.features, w.features, batch.rows * H),
        lastHiddenState: check('last_hidden_state', out.lastHiddenState, w.lastHiddenState, batch.rows * batch.seqLen * H),
      };
    },
    release: async () => {
      await forward.release();
    },
  };
}
