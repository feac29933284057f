/**
 * What the dashboard server reads: a training store, a test store and a solved DualDA surrogate.
 * Stores are the core `FeatureStoreReader` contract plus the text/logit columns the dashboard needs,
 * so the server never touches the disk layout directly (and tests use in-memory stores).
 */
import type { CollapseReport, FeatureStoreReader, XdaPair } from '@dualxda/core';
import type { XdaJobOptions } from './xda-jobs.js';

/** Training side: features by row, all labels (n int32) and the raw texts by row. */
export interface TrainSource {
  store: FeatureStoreReader;
  /** Texts of the given rows, in order ('' where a store has no text column). */
  readTexts(rows: readonly number[]): Promise<string[]>;
}

/** Test side: the training side plus the original model's logits (rows x K, row-major). */
export interface TestSource extends TrainSource {
  /**
   * The network's logits, rows x K (or, for a candidate-set model, rows x the store's classes);
   * null when the store keeps none (`cache --head token`: they would be rows x vocabulary). The
   * dashboard then explains the surrogate's prediction and says so.
   */
  readLogits(): Promise<Float32Array | null>;
}

/**
 * The solved surrogate, restricted to its support vectors (all other alpha rows are zero). A subset
 * of core's `DualDAModel` (what `loadDualDAModel` returns), so that model can be passed as is.
 */
export interface SurrogateModel {
  /** Regularisation constant the model was solved with. */
  C: number;
  /** Class names; K = length. */
  classNames: string[];
  /** Candidate-set models (`fit --classes`): the store class of each class (label-space.ts). */
  classIds?: number[];
  /** Training-row index of each support vector. */
  svIndices: Int32Array;
  /** nSV x K row-major alpha of the support vectors. */
  svAlpha: Float32Array | Float64Array;
  /** Support-vector features (nSV x d); gathered from the training store when absent. */
  svFeatures?: Float32Array;
  /** Norms of the support vectors (nSV); taken from the store when absent. */
  svNorms?: Float32Array;
  /** Stable ids of the support vectors (nSV); taken from the store when absent. */
  svIds?: readonly string[];
  /** Per-class intercept (K), when the model has one; surrogate logits add it. */
  bias?: Float32Array | Float64Array;
  /** Faithfulness figures computed when the model was built (weight cosine, logit cosine, MCC, tau). */
  faithfulness?: Record<string, number>;
  /** Solver diagnostics shown on the summary page (JSON values). */
  diagnostics?: Record<string, unknown>;
  /** The collapse report recorded by `dualxda fit` (`<store>/dualda/collapse.json`), when present. */
  collapse?: CollapseReport;
}

/**
 * Computes XDA heatmaps and their budget for a pair of texts; absent when no model checkpoint is
 * available. `target` is the explained class and `alpha` the training row's dual coefficient
 * alpha[train, target], 0 for a non-support vector: the provider then returns attribution 0 and
 * kernel-only heatmaps (`decomposes: 'kernel'`, steps/pair-alpha.ts `heatmapAlpha`). `mode`
 * absent = the XDA default (per-position).
 */
export type XdaProvider = ((pair: XdaPairRequest, signal?: AbortSignal) => Promise<XdaPair>) & {
  /** Pairs it computes at once (a worker pool's size); the job queue (xda-jobs.ts) runs no more. @default 1 */
  concurrency?: number;
};

/** One pair for an `XdaProvider`. */
export interface XdaPairRequest {
  testText: string;
  trainText: string;
  target: number;
  alpha: number;
  mode?: 'per-position' | 'word';
  /**
   * Token-head stores: both rows as their texts' tokens plus the row's position (the kernel is
   * between the final hidden states at those positions); `testText`/`trainText` are then unused.
   */
  testTokens?: { tokens: string[]; position: number };
  trainTokens?: { tokens: string[]; position: number };
}

/** A typed text embedded by the checkpoint: its features (d) and the network's logits (K), when the head gives them. */
export interface EmbeddedText {
  features: Float32Array;
  logits: Float32Array | null;
  /** The tokenizer cut the text to the model's maximum length. */
  truncated: boolean;
}

/** Embeds a typed text with the checkpoint that built the stores (the dashboard's custom-text box). */
export type TextEmbedder = (text: string) => Promise<EmbeddedText>;

/** Everything the server serves. Paths are shown on the summary page only. */
export interface DashboardData {
  train: TrainSource;
  test: TestSource;
  model: SurrogateModel;
  xda?: XdaProvider;
  /** Embeds typed texts (`/api/text`); absent without a local checkpoint (the reason is `xdaUnavailableReason`). */
  embedText?: TextEmbedder;
  /** Frees what the data holds open (the embedder's model); the server calls it on close. */
  release?: () => Promise<void>;
  /** Why XDA is unavailable (shown in the 404 body), when `xda` is absent. */
  xdaUnavailableReason?: string;
  /** Queue, wait and disk-cache settings of `/api/xda` (xda-jobs.ts); defaults: `DEFAULT_XDA_JOB_OPTIONS`, no disk cache. */
  xdaJobs?: XdaJobOptions;
  paths?: { train?: string; test?: string; model?: string };
}
