import { InvalidOptionError, type XdaPair } from '@dualxda/core';
import { loadCheckpoint, encodeTexts, type Checkpoint } from '@dualxda/llm-adapter';
import { budgetWarning, createXdaModel, explainTopK, tokenShare, useXdaBackend, type ModelInput, type RelevanceMode, type TokenRelevance, type XdaModel } from '@dualxda/xda';
import { checkModelDir } from '../lib/inputs.js';
import type { Heatmap } from '../lib/heatmap.js';
import { heatmapAlpha, NOT_SUPPORT_VECTOR_NOTE } from './pair-alpha.js';

/**
 * XDA inputs are cut like the store's texts: to the `maxLength` its run record names, else to
 * this, `dualxda cache`'s default cap (llm-adapter's DEFAULT_MAX_LENGTH_CAP; the model's own
 * limit applies below it). Features of differently cut texts would not be the stored ones.
 */
export const XDA_MAX_TOKENS = 512;

/**
 * Heatmaps of one (test, train) pair with their budget (the wire `XdaPair` of `/api/xda`, plus α):
 * each side's token sum + Σ absorbed = `explained` (the attribution α·kernel, or the kernel alone
 * when α = 0, see `heatmapAlpha`).
 */
export interface XdaPairResult extends Omit<XdaPair, 'test' | 'train'> {
  test: Heatmap;
  train: Heatmap;
  /** α[train, class] of the pair (0 for a non-support vector; the heatmaps then use 1). */
  alpha: number;
}

/** A token row as XDA needs it: its text's tokens (as stored, special tokens included) and its position. */
export interface TokenRowInput {
  tokens: readonly string[];
  position: number;
}

/** A loaded XDA model plus its tokenizer. */
export interface XdaEngine {
  /** One relevance pass per side for all `trainTexts` against `testText`; `mode` default: @dualxda/xda's. */
  explain(testText: string, trainTexts: readonly string[], alphas: readonly number[], options?: { mode?: RelevanceMode }): XdaPairResult[];
  /**
   * Token rows (token-head stores): the kernel is ⟨h_test[p], h_train[q]⟩ of the final hidden
   * states at the rows' positions; heatmaps cover each row's whole text.
   */
  explainTokens(test: TokenRowInput, train: readonly TokenRowInput[], alphas: readonly number[], options?: { mode?: RelevanceMode }): XdaPairResult[];
  release(): void;
  /** The checkpoint whose forward the heatmaps run (checked against the model in STORE). */
  checkpoint: { dir: string; modelHash: string; classNames: readonly string[]; dim: number };
}

/**
 * tfjs prints a multi-line "install tfjs-node" banner through console.warn on first use of the
 * CPU backend; it would land in the middle of our output, so drop exactly that message.
 */
export function muteTfjsBanner(): void {
  const warn = console.warn;
  if ((warn as { dualxdaFiltered?: boolean }).dualxdaFiltered === true) return;
  const filtered = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].includes('TensorFlow.js in Node.js')) return;
    warn(...args);
  };
  (filtered as { dualxdaFiltered?: boolean }).dualxdaFiltered = true;
  console.warn = filtered;
}

function heat(r: { tokens: string[]; relevance: Float64Array } | undefined): Heatmap {
  return { tokens: r?.tokens ?? [], scores: r?.relevance ?? new Float64Array(0) };
}

function sideBudget(r: TokenRelevance): XdaPair['budget']['test'] {
  return { tokenSum: r.tokenSum, share: tokenShare(r), absorbed: { ...r.absorbed }, residual: r.residual };
}

/** An explained pair as the CLI and `/api/xda` show it: budget per side, α = 0 rule, plain notes. */
export function toPairResult(p: { kernel: number; mode: RelevanceMode; attribution: number; test?: TokenRelevance; train?: TokenRelevance }, alpha: number): XdaPairResult {
  const { decomposes } = heatmapAlpha(alpha);
  const test = p.test as TokenRelevance;
  const train = p.train as TokenRelevance;
  const what = decomposes === 'kernel' ? 'kernel' : 'attribution';
  const warnings = [budgetWarning('test', test, what), budgetWarning('train', train, what)].filter((w): w is string => w !== undefined);
  return {
    method: 'attnlrp',
    mode: p.mode,
    test: heat(test),
    train: heat(train),
    alpha,
    kernel: p.kernel,
    attribution: decomposes === 'kernel' ? 0 : p.attribution,
    decomposes,
    explained: p.attribution,
    budget: { test: sideBudget(test), train: sideBudget(train) },
    notes: [...(decomposes === 'kernel' ? [NOT_SUPPORT_VECTOR_NOTE] : []), ...warnings],
  };
}

/** The `/api/xda` form of a pair (plain arrays; α is the API's own field). */
export function toWirePair(r: XdaPairResult): XdaPair {
  const side = (h: Heatmap) => ({ tokens: [...h.tokens], scores: Array.from(h.scores) });
  const { method, mode, attribution, kernel, decomposes, explained, budget, notes } = r;
  return { method, mode, attribution, kernel, decomposes, explained, budget, notes, test: side(r.test), train: side(r.train) };
}

/**
 * The tfjs backend XDA runs on: `wasm` (SIMD WebAssembly kernels, about 10× the pure-JS `cpu`
 * backend on the demo model; both match the torch reference to 1e-4 in @dualxda/xda's parity
 * tests and differ from each other by float32 summation order, ~1e-5 relative) unless
 * `DUALXDA_XDA_BACKEND=cpu` asks for the pure-JS fallback.
 */
export function xdaBackend(env: NodeJS.ProcessEnv = process.env): 'wasm' | 'cpu' {
  const v = env['DUALXDA_XDA_BACKEND'];
  if (v === undefined || v === '' || v === 'wasm') return 'wasm';
  if (v === 'cpu') return 'cpu';
  throw new InvalidOptionError('DUALXDA_XDA_BACKEND', `must be wasm or cpu, got ${JSON.stringify(v)}`);
}

/** Loads the checkpoint's weights into the XDA engine (tfjs; backend: `xdaBackend()`). */
export async function openXdaEngine(modelDir: string, maxTokens = XDA_MAX_TOKENS): Promise<XdaEngine> {
  const ckpt: Checkpoint = await loadCheckpoint(await checkModelDir(modelDir));
  muteTfjsBanner();
  await useXdaBackend(xdaBackend());
  const model: XdaModel = createXdaModel(ckpt.weights, ckpt.config);
  const vocab: string[] = [];
  for (const [token, id] of ckpt.tokenizer.get_vocab()) vocab[id] = token;
  const maxLength = Math.min(maxTokens, ckpt.maxPositions, model.maxPositions);
  const input = (text: string): ModelInput => {
    const ids = encodeTexts(ckpt.tokenizer, [text], maxLength).ids[0]!;
    return { ids, tokens: ids.map((i) => vocab[i] ?? `#${i}`) };
  };
  const vocabIds = ckpt.tokenizer.get_vocab();
  const tokenInput = (row: TokenRowInput, side: string): { input: ModelInput; position: number } => {
    if (row.position >= maxLength) throw new InvalidOptionError(side, `token position ${row.position} is beyond the ${maxLength} tokens XDA runs (XDA_MAX_TOKENS); pick a token row nearer the start of its text`);
    const tokens = row.tokens.slice(0, maxLength);
    const ids = tokens.map((t) => {
      const id = vocabIds.get(t);
      if (id === undefined) throw new InvalidOptionError(side, `token ${JSON.stringify(t)} is not in the checkpoint's vocabulary (was the store cached with another tokenizer?)`);
      return id;
    });
    return { input: { ids, tokens }, position: row.position };
  };
  return {
    explainTokens(test, train, alphas, options = {}) {
      const transform = ckpt.tokenHead?.transform;
      if (transform !== undefined && model.tokenTransform === undefined) {
        // The stored kernel is between transform outputs; without the transform the pass would end at the hidden state.
        throw new InvalidOptionError('head', `${ckpt.dir}: XDA of masked-LM token rows is not supported for ${model.modelType}: their features are the output of "${transform.name}", which its XDA model does not build, so its kernel would not be the stored one`);
      }
      const t = tokenInput(test, 'test');
      const rows = train.map((r) => tokenInput(r, 'train'));
      const pairs = explainTopK(model, t.input, rows.map((r) => r.input), { alphas: alphas.map((a) => heatmapAlpha(a).alpha), mode: options.mode, testPosition: t.position, trainPositions: rows.map((r) => r.position) });
      return pairs.map((p, i) => toPairResult(p, alphas[i] ?? 0));
    },
    explain(testText, trainTexts, alphas, options = {}) {
      const pairs = explainTopK(model, input(testText), trainTexts.map(input), { alphas: alphas.map((a) => heatmapAlpha(a).alpha), mode: options.mode });
      return pairs.map((p, i) => toPairResult(p, alphas[i] ?? 0));
    },
    release: () => model.dispose(),
    checkpoint: { dir: ckpt.dir, modelHash: ckpt.modelHash, classNames: ckpt.classNames, dim: ckpt.hiddenSize },
  };
}
