import { expect, it } from 'vitest';
import * as pkg from './index.js';

it('exports exactly the curated public API', () => {
  expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_EMBED_OPTIONS",
      "DEFAULT_EXTRACT_OPTIONS",
      "DEFAULT_RUNNER_OPTIONS",
      "EmptyTextError",
      "FeatureHeadMismatchError",
      "HEAD_CONSISTENCY_RTOL",
      "HEAD_CONSISTENCY_SAMPLE",
      "MODEL_FAMILY_CONFIG",
      "ModelLoadError",
      "ONNX_MODEL_FILE",
      "SAFETENSORS_FILE",
      "SAFETENSORS_INDEX_FILE",
      "UnsupportedArchitectureError",
      "VocabMismatchError",
      "alignTokenLabels",
      "checkHeadConsistency",
      "countTokenRows",
      "createForwardRunner",
      "createMemorySink",
      "createOnnxRunner",
      "createStoreSink",
      "embedTexts",
      "encodeTexts",
      "extractFeatures",
      "getArchitecture",
      "linearF32",
      "listArchitectures",
      "loadCheckpoint",
      "loadTokenizer",
      "locateWeights",
      "openModel",
      "readCheckpointWeights",
      "readJsonlCorpus",
      "resolveEmbedOptions",
      "resolveExtractOptions",
      "resolveRunnerOptions",
      "shardChunkRange",
      "tokenRowId",
    ]
  `);
});
