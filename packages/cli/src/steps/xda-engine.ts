import { loadCheckpoint, encodeTexts, type Checkpoint } from '@dualxda/llm-adapter';
import { createXdaModel, explainTopK, useXdaBackend, type ModelInput, type XdaModel } from '@dualxda/xda';
import { checkModelDir } from '../lib/inputs.js';
import type { Heatmap } from '../lib/heatmap.js';

/**
 * XDA inputs are cut to this many tokens: relevance passes on the CPU backend cost O(T²) per
 * layer, and the demo has to stay within its time budget.
 */
export const XDA_MAX_TOKENS = 128;

/** Heatmaps of one (test, train) pair. */
export interface XdaPairResult {
  test: Heatmap;
  train: Heatmap;
  /** α · ⟨f_test, f_train⟩, the DualDA attribution both maps decompose. */
  attribution: number;
  kernel: number;
  alpha: number;
}

/** A loaded XDA model plus its tokenizer. */
export interface XdaEngine {
  /** One relevance pass per side for all `trainTexts` against `testText`. */
  explain(testText: string, trainTexts: readonly string[], alphas: readonly number[]): XdaPairResult[];
  release(): void;
}

/**
 * tfjs prints a multi-line "install tfjs-node" banner through console.warn on first use of the
 * CPU backend; it would land in the middle of our output, so drop exactly that message.
 */
function muteTfjsBanner(): void {
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

/** Loads the checkpoint's weights into the XDA engine (tfjs, CPU backend). */
export async function openXdaEngine(modelDir: string, maxTokens = XDA_MAX_TOKENS): Promise<XdaEngine> {
  const ckpt: Checkpoint = await loadCheckpoint(await checkModelDir(modelDir));
  muteTfjsBanner();
  await useXdaBackend('cpu');
  const model: XdaModel = createXdaModel(ckpt.weights, ckpt.config);
  const vocab: string[] = [];
  for (const [token, id] of ckpt.tokenizer.get_vocab()) vocab[id] = token;
  const maxLength = Math.min(maxTokens, ckpt.maxPositions, model.maxPositions);
  const input = (text: string): ModelInput => {
    const ids = encodeTexts(ckpt.tokenizer, [text], maxLength).ids[0]!;
    return { ids, tokens: ids.map((i) => vocab[i] ?? `#${i}`) };
  };
  return {
    explain(testText, trainTexts, alphas) {
      const pairs = explainTopK(model, input(testText), trainTexts.map(input), { alphas });
      return pairs.map((p) => ({ test: heat(p.test), train: heat(p.train), attribution: p.attribution, kernel: p.kernel, alpha: p.alpha }));
    },
    release: () => model.dispose(),
  };
}
