import { llamaDescriptor } from '../llama/descriptor.js';
import type { ArchitectureDescriptor } from '../types.js';

/**
 * Mistral decoders (`MistralForSequenceClassification`): the Llama parameter names and pooling
 * (final-norm state of the last non-pad token feeds `score`, no bias); grouped-query attention,
 * `head_dim` and the sliding window only change the forward (@dualxda/xda `buildMistral`).
 *
 * @example
 * mistralDescriptor.sequenceHead.weight; // 'score.weight'
 */
export const mistralDescriptor: ArchitectureDescriptor = { ...llamaDescriptor, modelType: 'mistral' };
