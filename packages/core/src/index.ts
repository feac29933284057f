/**
 * @dualxda/core: tensors, the Zarr feature store, datasets and DualDA attribution.
 *
 * @example
 * import { createTensor } from '@dualxda/core';
 * const features = createTensor('float32', [4, 8]);
 */
export { createTensor, rowMajorStrides, shapeSize } from './tensor.js';
export type { DType, Tensor, TypedArrayMap, TypedArrayOf } from './tensor.js';
export { DualxdaError, InvalidOptionError, InvalidShapeError, assert, isDualxdaError } from './errors.js';
export { SafetensorsError, parseSafetensors, readSafetensors } from './io/safetensors.js';
export type { SafetensorsTensor } from './io/safetensors.js';
export type { FeatureDType, FeatureStoreManifest, FeatureStoreReader, HeadKind, RowBatch, RowBlock } from './store/types.js';
