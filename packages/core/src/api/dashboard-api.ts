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

/** Surrogate vs model on the first `rows` test rows (logit cosine, MCC, Kendall tau-b, argmax agreement). */
export interface TestAgreement {
  rows: number;
  logitCosine: number;
  mcc: number;
  kendallTau: number;
  /** Fraction of rows where argmax of both logit vectors agree. */
  argmaxAgreement: number;
}

/** `GET /api/summary`: the run overview (the "manifest" every dashboard view's `canRender` sees). */
export interface Summary {
  classNames: string[];
  train: { rows: number; dim: number; path: string; layer: string; modelHash: string; datasetRevision: string; tool: string; createdAt: string };
  test: { rows: number; path: string; accuracy: number; misclassified: number };
  model: { C: number; supportVectors: number; svPerClass: number[]; svFraction: number; diagnostics: Record<string, unknown> };
  /** Training-set faithfulness as recorded by `dualxda fit`/`demo` (run file or model), when present. */
  faithfulness: Record<string, number> | null;
  /** Surrogate vs model on the test set. */
  testAgreement: TestAgreement;
  xda: { available: boolean; reason: string | null };
}

/** One row of `GET /api/tests`. */
export interface TestListItem {
  row: number;
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

/** `GET /api/tests/:row`: a prediction and its top-k proponents and opponents. */
export interface TestDetail {
  row: number;
  id: string;
  text: string;
  label: number;
  prediction: number;
  /** The explained class (the model's prediction unless `?class=` was given). */
  target: number;
  modelLogits: number[];
  surrogateLogits: number[];
  proponents: Attributed[];
  opponents: Attributed[];
  sparsity: { k: number; topKMass: number; totalMass: number; nonzero: number; supportVectors: number; trainRows: number };
}

/** One test example influenced by a training row. */
export interface Influenced {
  row: number;
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

/** An XDA explanation of a (test, train) pair, both sides. */
export interface XdaPair {
  test: TokenHeatmap;
  train: TokenHeatmap;
  /** Which method produced it (e.g. 'attnlrp'). */
  method: string;
}

/** `GET /api/xda?test=&train=`: the pair's heatmaps for the model's predicted class of the test row. */
export interface XdaResponse extends XdaPair {
  testRow: number;
  trainRow: number;
  target: number;
  /** alpha[train, target]: the heatmaps decompose alpha * <f_test, f_train>. */
  alpha: number;
}

/** A training row ranked by self-influence. */
export interface MislabelCandidate {
  row: number;
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
}
