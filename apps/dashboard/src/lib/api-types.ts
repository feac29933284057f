/**
 * Shapes of the `dualxda serve` JSON API (packages/cli/src/serve). The dashboard may not import the
 * CLI (dependency direction), so the contract is restated here; the end-to-end test keeps both in step.
 */

/** GET /api/summary: the run "manifest" every view's `canRender` sees. */
export interface Summary {
  classNames: string[];
  train: { rows: number; dim: number; path: string; layer: string; modelHash: string; datasetRevision: string; tool: string; createdAt: string };
  test: { rows: number; path: string; accuracy: number; misclassified: number };
  model: { C: number; supportVectors: number; svPerClass: number[]; svFraction: number; diagnostics: Record<string, unknown> };
  /** Training-set faithfulness recorded at fit time, when present. */
  faithfulness: Record<string, number> | null;
  /** Surrogate vs model on the test set. */
  testAgreement: { rows: number; logitCosine: number; mcc: number; kendallTau: number; argmaxAgreement: number };
  xda: { available: boolean; reason: string | null };
}

/** One row of GET /api/tests. */
export interface TestListItem {
  row: number;
  label: number;
  prediction: number;
  snippet: string;
}

/** GET /api/tests page. */
export interface TestListPage {
  total: number;
  offset: number;
  items: TestListItem[];
}

/** An attributed training example. */
export interface Attributed {
  row: number;
  id: string;
  label: number;
  score: number;
  snippet: string;
}

/** GET /api/tests/:row. */
export interface TestDetail {
  row: number;
  id: string;
  text: string;
  label: number;
  prediction: number;
  target: number;
  modelLogits: number[];
  surrogateLogits: number[];
  proponents: Attributed[];
  opponents: Attributed[];
  sparsity: { k: number; topKMass: number; totalMass: number; nonzero: number; supportVectors: number; trainRows: number };
}

/** A test example influenced by a training row. */
export interface Influenced {
  row: number;
  label: number;
  prediction: number;
  score: number;
  snippet: string;
}

/** GET /api/train/:row. */
export interface TrainDetail {
  row: number;
  id: string;
  text: string;
  label: number;
  isSupportVector: boolean;
  alpha: number[];
  selfInfluence: number;
  supports: Influenced[];
  opposes: Influenced[];
  scanned: number;
  testRows: number;
}

/** One side of a heatmap. */
export interface TokenHeatmap {
  tokens: string[];
  scores: number[];
}

/** GET /api/xda. */
export interface XdaResponse {
  method: string;
  test: TokenHeatmap;
  train: TokenHeatmap;
  testRow: number;
  trainRow: number;
  target: number;
  /** alpha[train, target]: the heatmaps decompose alpha * <f_test, f_train>. */
  alpha: number;
}

/** GET /api/global. */
export interface GlobalView {
  classNames: string[];
  svPerClass: number[];
  C: number;
  candidates: { row: number; label: number; selfInfluence: number; snippet: string }[];
}
