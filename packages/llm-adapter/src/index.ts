/**
 * @dualxda/llm-adapter: local Hugging Face checkpoints (BERT, Llama) as feature extractors for
 * DualDA. Loads config/tokenizer/safetensors, runs `onnx/model.onnx` with ONNX Runtime (or, without
 * a graph, an injected built-in forward: `openModel(dir, { forward })`), and
 * streams a corpus into a FeatureStore sink. The head weights are exposed as the model's
 * "original last layer".
 *
 * @example
 * import { openModel, extractFeatures, readJsonlCorpus, createMemorySink } from '@dualxda/llm-adapter';
 * const model = await openModel('packages/llm-adapter/assets/spam-bert');
 * const { features, logits, dim } = await model.embed(['win a free cruise'], { head: 'sequence' });
 * const sink = createMemorySink();
 * await extractFeatures(model, readJsonlCorpus('packages/llm-adapter/assets/corpus/train.jsonl'), sink, { chunkRows: 256 });
 * await model.release();
 */
export { EmptyTextError, ModelLoadError, UnsupportedArchitectureError, VocabMismatchError } from './errors.js';
export type { ArchitectureDescriptor, HeadParameterNames, HeadTransformNames, ModelFamily } from './architectures/types.js';
export { getArchitecture, listArchitectures } from './registry.js';
export { MODEL_FAMILY_CONFIG } from './families.js';
export type { FamilyConfig } from './families.js';
export { ONNX_MODEL_FILE, loadCheckpoint } from './checkpoint/load-checkpoint.js';
export type { Checkpoint } from './checkpoint/load-checkpoint.js';
export { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, locateWeights, readCheckpointWeights } from './checkpoint/read-weights.js';
export type { CheckpointWeights } from './checkpoint/read-weights.js';
export type { LazyWeightMap } from './checkpoint/lazy-weights.js';
export type { LinearHead } from './checkpoint/resolve-heads.js';
export { loadTokenizer } from './checkpoint/load-tokenizer.js';
export type { Tokenizer } from './checkpoint/load-tokenizer.js';
export { encodeTexts } from './tokenize/encode-texts.js';
export type { EncodeContext, EncodedTexts } from './tokenize/encode-texts.js';
export { createOnnxRunner } from './onnx/create-runner.js';
export type { OnnxRunner, RunnerOutputs } from './onnx/create-runner.js';
export type { FeatureRunner } from './onnx/feature-runner.js';
export { createForwardRunner } from './forward/create-forward-runner.js';
export type { FeatureForward, ForwardOutputs, OpenFeatureForward } from './forward/create-forward-runner.js';
export { DEFAULT_RUNNER_OPTIONS, resolveRunnerOptions } from './onnx/runner-options.js';
export type { ResolvedRunnerOptions, RunnerOptions } from './onnx/runner-options.js';
export { DEFAULT_EMBED_OPTIONS, resolveEmbedOptions } from './embed/embed-options.js';
export type { EmbedOptions, ResolvedEmbedOptions } from './embed/embed-options.js';
export { embedTexts } from './embed/embed-texts.js';
export type { EmbedResult } from './embed/embed-texts.js';
export { linearF32 } from './embed/linear-f32.js';
export { openModel } from './model.js';
export type { FeatureModel, OpenModelOptions } from './model.js';
export { extractFeatures } from './extract/extract-features.js';
export type { ExtractResult } from './extract/extract-features.js';
export { FeatureHeadMismatchError, HEAD_CONSISTENCY_RTOL, HEAD_CONSISTENCY_SAMPLE, checkHeadConsistency } from './extract/head-consistency.js';
export type { HeadConsistencyInput } from './extract/head-consistency.js';
export { DEFAULT_EXTRACT_OPTIONS, resolveExtractOptions, shardChunkRange } from './extract/extract-options.js';
export type { ExtractOptions, ResolvedExtractOptions } from './extract/extract-options.js';
export { createMemorySink } from './extract/memory-sink.js';
export { createStoreSink } from './extract/store-sink.js';
export type { StoreSinkOptions } from './extract/store-sink.js';
export { countTokenRows } from './extract/count-token-rows.js';
export type { MemorySink } from './extract/memory-sink.js';
export { readJsonlCorpus } from './extract/read-jsonl-corpus.js';
export { alignTokenLabels } from './extract/token-labels.js';
export type { LabelRowRef } from './extract/token-labels.js';
export { tokenRowId } from './extract/to-row-batch.js';
export type * from './extract/types.js';
