import { llamaDescriptor } from '../llama/descriptor.js';
import type { ArchitectureDescriptor } from '../types.js';

/**
 * Qwen2 decoders (`Qwen2ForSequenceClassification`): the Llama parameter names and pooling
 * (final-norm state of the last non-pad token feeds `score`, no bias); the q/k/v biases and the
 * optional sliding-window layers only change the forward (@dualxda/xda `buildQwen2`).
 *
 * @example
 * qwen2Descriptor.family; // 'decoder-only'
 */
export const qwen2Descriptor: ArchitectureDescriptor = { ...llamaDescriptor, modelType: 'qwen2' };
