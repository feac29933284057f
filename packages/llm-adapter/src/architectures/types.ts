/**
 * Architecture descriptors: everything the adapter needs to know about one HF `model_type`, as
 * data. Adding a family means adding a folder under `architectures/` and one registry line.
 */

/** Encoder-only models pool the first token; decoder-only models pool the last non-pad token. */
export type ModelFamily = 'encoder-only' | 'decoder-only';

/** Names of one linear head in `model.safetensors` (HF parameter names). */
export interface HeadParameterNames {
  weight: string;
  /** Absent for bias-free heads (Llama `score`, `lm_head`). */
  bias?: string;
}

/**
 * Parameter names of a masked-LM head's transform t = LayerNorm(act(dense(h))), full names
 * without `.weight`/`.bias`.
 */
export interface HeadTransformNames {
  /** Recorded as the store's feature layer (BERT `cls.predictions.transform`, RoBERTa `lm_head`). */
  name: string;
  dense: string;
  norm: string;
  /** Config field naming the activation (only exact "gelu" is implemented); null: always exact GELU (RoBERTa's `lm_head`). */
  activationField: string | null;
}

/** A typed description of one HF architecture. */
export interface ArchitectureDescriptor {
  /** The `model_type` value in `config.json`. */
  modelType: string;
  family: ModelFamily;
  /** Where to read the shapes from `config.json`. */
  config: {
    hiddenSize: string;
    numLayers: string;
    numHeads: string;
    vocabSize: string;
    maxPositions: string;
  };
  /**
   * Rows of the position table real tokens never use (RoBERTa: padding_idx + 1 = 2, positions
   * start there); the usable length is `maxPositions` minus this. Default 0.
   */
  reservedPositions?: number;
  /** Token-classification head when it is not named like `sequenceHead` (RoBERTa: `classifier`). */
  tokenClassifierHead?: HeadParameterNames;
  /** Token embedding matrix [vocab, hidden]; its row count is checked against the tokenizer. */
  embeddingWeight: string;
  /** Name of the layer whose output is the sequence feature (recorded in the store manifest). */
  sequenceFeatureLayer: string;
  /** Name of the layer whose output is the per-token feature. */
  tokenFeatureLayer: string;
  /** Sequence-classification head; the "original last layer" for sequence rows. */
  sequenceHead: HeadParameterNames;
  /** Token heads, tried in order (token classifier, LM head); the first present one is used. */
  tokenHeads: readonly HeadParameterNames[];
  /**
   * The causal-LM head of a `*ForCausalLM` checkpoint (class = next token, K = vocabulary). When
   * its weight is absent and `config.tie_word_embeddings` is true, `embeddingWeight` is the head
   * (tied embeddings, as transformers saves them). Absent: the family has no causal-LM head.
   */
  causalLmHead?: HeadParameterNames;
  /**
   * The masked-LM head of a `*ForMaskedLM` checkpoint (class = the token at the row's position,
   * K = vocabulary): `transform` names the dense → GELU → LayerNorm map between the hidden
   * state and `decoder` (whose input is therefore the transform's output); a decoder weight absent
   * from the file is tied to `embeddingWeight` unless `config.tie_word_embeddings` is false.
   * Absent: `*ForMaskedLM` checkpoints of the family are refused by name.
   */
  maskedLmHead?: { transform: HeadTransformNames; decoder: HeadParameterNames };
  /** Prefix for the transformer blocks, `{i}` = layer index (used by the XDA weight loader). */
  layerPrefix: string;
}
