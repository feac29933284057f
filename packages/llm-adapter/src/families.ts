import type { ModelFamily } from './architectures/types.js';

/** How one model family pools a sequence feature and pads a batch. */
export interface FamilyConfig {
  /** Which token's final hidden state is the sequence feature when ONNX has no `features` output. */
  pooling: 'first' | 'last-non-pad';
  /** Right padding keeps positions stable for both families (decoders use causal masks). */
  paddingSide: 'right';
}

/**
 * Family behaviour in one table (instead of branches on `model_type`).
 *
 * @example
 * MODEL_FAMILY_CONFIG['decoder-only'].pooling; // 'last-non-pad'
 */
export const MODEL_FAMILY_CONFIG: Readonly<Record<ModelFamily, FamilyConfig>> = {
  'encoder-only': { pooling: 'first', paddingSide: 'right' },
  'decoder-only': { pooling: 'last-non-pad', paddingSide: 'right' },
};
