/**
 * The JSON contract of the `dualxda serve` HTTP API: what each `GET /api/...` endpoint answers.
 * The server (packages/cli/src/serve) builds these values and the dashboard (apps/dashboard) reads
 * them, so both import this one declaration; it lives in core because core is the only package
 * both may depend on (the dashboard may not import the CLI). Types only and universal: no runtime
 * code and no node imports. The dashboard end-to-end test in packages/cli checks the wire format.
 *
 * Bodies are `JSON.stringify` of these values, so a non-finite number (e.g. `kendallTau` when no
 * test row has a defined tau) arrives as `null`.
 *
 * @example
 * import type { Summary } from '@dualxda/core';
 * const summary = (await (await fetch('/api/summary')).json()) as Summary;
 * console.log(summary.classNames, summary.testAgreement.mcc);
 */
import type { CollapseReport } from '../diagnostics/types.js';

/** Surrogate vs model on the first `rows` test rows (logit cosine, MCC, Kendall tau-b, argmax agreement). */
export interface TestAgreement {
  rows: number;
  logitCosine: number;
  mcc: number;
  kendallTau: number;
  /** Fraction of rows where argmax of both logit vectors agree. */
  argmaxAgreement: number;
}

/**
 * A candidate-set model (`dualxda fit --classes`, e.g. an LM head whose classes are the
 * vocabulary): the model's classes are `classNames` (store classes `classIds`); a label outside the
 * set has an index ≥ K into `Summary.labelNames`.
 */
export interface CandidateSetSummary {
  /** How the set was chosen (`labels`, `top:N`, `file …`). */
  rule: string;
  /** Store class (e.g. vocabulary id) of each model class. */
  classIds: number[];
  /** Classes of the store (the vocabulary size for an LM head). */
  storeClasses: number;
  /** Training rows whose label is outside the set (left out of the fit). */
  trainRowsOutside: number;
  /** Test rows whose gold label is outside the set (the surrogate cannot predict it). */
  testRowsOutside: number;
}

/** `GET /api/summary`: the run overview (the "manifest" every dashboard view's `canRender` sees). */
export interface Summary {
  /** The model's classes (K): predictions, α columns and logits index them. */
  classNames: string[];
  /**
   * Names of labels (training and test `label` fields): `classNames`, then the labels outside a
   * candidate set (index ≥ K). Optional: absent when equal to `classNames` (and on older servers).
   */
  labelNames?: string[];
  /** Present for a candidate-set model. */
  candidateSet?: CandidateSetSummary;
  /**
   * Whose prediction the test rows explain: the network's (`model`, from the test store's logits)
   * or the surrogate's, when the test store keeps no logits (token-head stores). Optional: older
   * servers omit it (= `model`).
   */
  predictedBy?: 'model' | 'surrogate';
  /** `head`: `token` for token rows (ids `textId#position`); optional, older servers omit it. */
  train: { rows: number; dim: number; path: string; layer: string; modelHash: string; datasetRevision: string; tool: string; createdAt: string; head?: 'sequence' | 'token' };
  test: { rows: number; path: string; accuracy: number; misclassified: number };
  model: { C: number; supportVectors: number; svPerClass: number[]; svFraction: number; diagnostics: Record<string, unknown> };
  /** Training-set faithfulness as recorded by `dualxda fit`/`demo` (run file or model), when present. */
  faithfulness: Record<string, number> | null;
  /** Surrogate vs model on the test set; null without the network's logits (`predictedBy: 'surrogate'`). */
  testAgreement: TestAgreement | null;
  xda: { available: boolean; reason: string | null };
  /** Whether `/api/text` can embed a typed text (needs the local checkpoint), and why not. */
  text: { available: boolean; reason: string | null };
  /**
   * The collapse alarm `dualxda fit` recorded (`<store>/dualda/collapse.json`; docs/attribution.md
   * "Collapse alarm"): feature spectrum, proponent diversity and the instance/class-level verdict.
   * null when the model was fitted without it.
   */
  collapse: CollapseReport | null;
}

/** One row of `GET /api/tests`. */
export interface TestListItem {
  row: number;
  /** Token-head stores: the row's id (`textId#position`; its snippet is one token). Optional. */
  id?: string;
  label: number;
  prediction: number;
  snippet: string;
}

/** `GET /api/tests`: one page of the filtered list; `total` counts every match. */
export interface TestListPage {
  total: number;
  offset: number;
  items: TestListItem[];
}

/** One attributed training example (a proponent or opponent of a test prediction). */
export interface Attributed {
  row: number;
  id: string;
  label: number;
  score: number;
  snippet: string;
}

/**
 * Token rows (`cache --head token`, ids `textId#position`): the tokens of the row's text (at most
 * a few hundred, from its start) and the row's position in them; `text` is then the one token. With
 * a causal LM the row's label is the token after `position`.
 */
export interface TokenContext {
  tokens: string[];
  position: number;
}

/** `GET /api/tests/:row`: a prediction and its top-k proponents and opponents. */
export interface TestDetail {
  row: number;
  id: string;
  text: string;
  /** Token rows only: the text around the token. Optional: absent for sequence rows. */
  context?: TokenContext;
  label: number;
  prediction: number;
  /** The explained class (the model's prediction unless `?class=` was given). */
  target: number;
  /** The network's logits over the model's classes; empty when the test store keeps none. */
  modelLogits: number[];
  surrogateLogits: number[];
  proponents: Attributed[];
  opponents: Attributed[];
  sparsity: { k: number; topKMass: number; totalMass: number; nonzero: number; supportVectors: number; trainRows: number };
}

/**
 * `GET /api/text?text=[&k=][&class=]`: a typed text explained like a test row. It has no row, id
 * or gold label; `modelLogits` are the network's own when its head gives them (else the
 * surrogate's), and `prediction` is their argmax.
 */
export interface TextDetail extends Omit<TestDetail, 'row' | 'id' | 'label' | 'context'> {
  /** The tokenizer cut the text to the model's maximum length: the end was not seen. */
  truncated: boolean;
}

/** One test example influenced by a training row. */
export interface Influenced {
  row: number;
  /** Token-head stores: the test row's id (`textId#position`). Optional. */
  id?: string;
  label: number;
  prediction: number;
  score: number;
  snippet: string;
}

/** `GET /api/train/:row`: one training example, its alpha row, self-influence and the tests it moves most. */
export interface TrainDetail {
  row: number;
  id: string;
  text: string;
  /** Token rows only: the text around the token. */
  context?: TokenContext;
  label: number;
  isSupportVector: boolean;
  alpha: number[];
  selfInfluence: number;
  /** Tests this row supports most (largest A[t, row] > 0) and opposes most. */
  supports: Influenced[];
  opposes: Influenced[];
  /** Test rows scanned; less than `testRows` when the scan was capped. */
  scanned: number;
  testRows: number;
}

/** One token heatmap: tokens and their relevance (same length). */
export interface TokenHeatmap {
  tokens: string[];
  scores: number[];
}

/**
 * Where the relevance that did not reach the tokens went (docs/xda.md, "Budget"): position/type
 * embeddings (0 in `per-position` mode), the softmax rule's remainder, LayerNorm β, biases, ε shares.
 */
export interface XdaAbsorbed {
  positionEmbeddings: number;
  softmax: number;
  normalisation: number;
  biases: number;
  stabiliser: number;
}

/** One side's budget: tokenSum + Σ absorbed = the explained value, up to `residual`. */
export interface XdaSideBudget {
  /** Σ token relevance. */
  tokenSum: number;
  /** tokenSum / explained value (signed); null when that value is 0. */
  share: number | null;
  absorbed: XdaAbsorbed;
  /** |tokenSum + Σ absorbed − explained| relative to the largest term: ~1e-7 when the rules conserve. */
  residual: number;
}

/** An XDA explanation of a (test, train) pair, both sides. */
export interface XdaPair {
  test: TokenHeatmap;
  train: TokenHeatmap;
  /** Which method produced it (e.g. 'attnlrp'). */
  method: string;
  /** `per-position`: a token's relevance includes its position/type embeddings' share; `word`: word embedding only (LXT). */
  mode: 'per-position' | 'word';
  /** alpha[train, target] · kernel: the DualDA attribution (0 for a training row that is not a support vector). */
  attribution: number;
  /** ⟨f_test, f_train⟩. */
  kernel: number;
  /**
   * What the heatmaps decompose: `attribution`, or `kernel` (⟨f_test, f_train⟩ alone, computed with
   * α = 1) for a pair whose α is 0, whose attribution is 0 and has nothing to decompose.
   */
  decomposes: 'attribution' | 'kernel';
  /** The value each side's tokenSum + Σ absorbed adds up to (attribution, or kernel when `decomposes` is `kernel`). */
  explained: number;
  budget: { test: XdaSideBudget; train: XdaSideBudget };
  /** Plain-language notes: not a support vector, a side whose tokens carry little or the opposite sign of the score. */
  notes: string[];
}

/** `GET /api/xda?test=&train=[&class=][&mode=]` (or `?text=` instead of `test=`): the pair's heatmaps for the explained class. */
export interface XdaResponse extends XdaPair {
  /** The test row, or null for a typed text (`?text=`). */
  testRow: number | null;
  trainRow: number;
  /** The explained class: `?class=` when given, else the model's prediction for the test row. */
  target: number;
  /** alpha[train, target]. */
  alpha: number;
  /** alpha[train, target] ≠ 0: only support vectors have an attribution. */
  supportVector: boolean;
  /**
   * Token rows (token-head stores): each side's row id (`textId#position`) and its position in the
   * heatmap's tokens (the heatmaps cover the row's whole text). Optional: absent for sequence rows.
   */
  tokenRows?: { test: { id: string; position: number }; train: { id: string; position: number } };
}

/** A training row ranked by self-influence. */
export interface MislabelCandidate {
  row: number;
  /** Token-head stores: the training row's id (`textId#position`). Optional. */
  id?: string;
  label: number;
  selfInfluence: number;
  snippet: string;
}

/** `GET /api/global`: support vectors per class and the highest self-influence rows. */
export interface GlobalView {
  classNames: string[];
  svPerClass: number[];
  C: number;
  candidates: MislabelCandidate[];
  /**
   * Confusion matrix of the model on the test set: `confusion[label][prediction]` counts test rows
   * (rows whose label is outside the classes are left out). Optional: older servers omit it.
   */
  confusion?: number[][];
  /**
   * A 2-D map of the feature space: (a strided sample of at most 1000) support vectors projected
   * on their first two principal components, with each axis' share of the variance. Optional.
   */
  projection?: { points: { row: number; label: number; x: number; y: number }[]; explained: [number, number]; total: number };
}

/** What a list answer says about its store's search index (a search waits until it is ready). */
export interface IndexStatus {
  ready: boolean;
  indexedRows: number;
  rows: number;
}

/** One row of `/api/train` (the training-set browser). */
export interface TrainListItem {
  row: number;
  /** Token-head stores: the row's id (`textId#position`; its snippet is one token). Optional. */
  id?: string;
  label: number;
  snippet: string;
  isSupportVector: boolean;
  /** alpha[i, y_i] (0 for non-support vectors). */
  alphaLabel: number;
  /** max_m |alpha[i, m]|. */
  alphaMaxAbs: number;
  /** ||x_i||^2 alpha[i, y_i] (dualda.md 1.7). */
  selfInfluence: number;
}

/** A page of `/api/train`. */
export interface TrainListPage {
  total: number;
  offset: number;
  /** Progress of the search index (built in the background on the first list request). */
  searchIndex: IndexStatus;
  items: TrainListItem[];
}
