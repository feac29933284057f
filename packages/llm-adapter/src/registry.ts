import { bertDescriptor } from './architectures/bert/descriptor.js';
import { distilbertDescriptor } from './architectures/distilbert/descriptor.js';
import { gemmaDescriptor } from './architectures/gemma/descriptor.js';
import { llamaDescriptor } from './architectures/llama/descriptor.js';
import { mistralDescriptor } from './architectures/mistral/descriptor.js';
import { qwen2Descriptor } from './architectures/qwen2/descriptor.js';
import { robertaDescriptor } from './architectures/roberta/descriptor.js';
import type { ArchitectureDescriptor } from './architectures/types.js';
import { UnsupportedArchitectureError } from './errors.js';

/** `model_type` → descriptor. One line per supported family. */
const ARCHITECTURES: ReadonlyMap<string, ArchitectureDescriptor> = new Map([
  [bertDescriptor.modelType, bertDescriptor],
  [llamaDescriptor.modelType, llamaDescriptor],
  [mistralDescriptor.modelType, mistralDescriptor],
  [qwen2Descriptor.modelType, qwen2Descriptor],
  [robertaDescriptor.modelType, robertaDescriptor],
  [distilbertDescriptor.modelType, distilbertDescriptor],
  [gemmaDescriptor.modelType, gemmaDescriptor],
]);

/**
 * The supported `model_type` values, sorted.
 *
 * @example
 * listArchitectures(); // ['bert', 'distilbert', 'gemma', 'llama', 'mistral', 'qwen2', 'roberta'] (one per registry line)
 */
export function listArchitectures(): string[] {
  return [...ARCHITECTURES.keys()].sort();
}

/**
 * Looks up the descriptor of a `model_type`.
 *
 * @throws UnsupportedArchitectureError listing the supported types.
 * @example
 * getArchitecture('bert').sequenceHead.weight; // 'classifier.weight'
 */
export function getArchitecture(modelType: string): ArchitectureDescriptor {
  const found = ARCHITECTURES.get(modelType);
  if (found === undefined) throw new UnsupportedArchitectureError(modelType, listArchitectures());
  return found;
}
