import { expect, it } from 'vitest';
import * as pkg from './index.js';

it('exports exactly the curated public API', () => {
  expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_EMBED_OPTIONS",
      "DEFAULT_EXTRACT_OPTIONS",
      "DEFAULT_RUNNER_OPTIONS",
      "EmptyTextError",
      "MODEL_FAMILY_CONFIG",
      "ModelLoadError",
      "ONNX_MODEL_FILE",
      "UnsupportedArchitectureError",
      "VocabMismatchError",
      "countTokenRows",
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
      "openModel",
      "readJsonlCorpus",
      "resolveEmbedOptions",
      "resolveExtractOptions",
      "resolveRunnerOptions",
      "shardChunkRange",
    ]
  `);
});
