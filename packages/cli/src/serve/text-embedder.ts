/**
 * Embeds the dashboard's typed texts with the checkpoint that built the stores, exactly as
 * `dualxda explain --text` does (llm-adapter's ONNX runner, sequence head): features plus the
 * network's own logits. The model opens on the first text (start-up stays fast), calls run one at
 * a time (onnxruntime runs them off the event loop), and recent texts are remembered, because the
 * page asks for a text's explanation and then its heatmaps' class.
 */
import type { FeatureModel } from '@dualxda/llm-adapter';
import { openFeatureModel } from '../lib/open-feature-model.js';
import type { EmbeddedText, TextEmbedder } from './types.js';

/** Texts whose embedding is kept (a page view asks for the same text a few times). */
const REMEMBERED = 32;

/**
 * A lazily opened embedder for `modelDir`, cutting texts to `maxLength` (the store's, from its run
 * record; default: the model's); `release()` frees the model if it was opened.
 */
export function createTextEmbedder(modelDir: string, open: (dir: string) => Promise<FeatureModel> = openFeatureModel, maxLength?: number): TextEmbedder & { release(): Promise<void> } {
  let model: Promise<FeatureModel> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const recent = new Map<string, Promise<EmbeddedText>>();
  const run = async (text: string): Promise<EmbeddedText> => {
    model ??= open(modelDir);
    const r = await (await model).embed([text], { head: 'sequence', ...(maxLength === undefined ? {} : { maxLength }) });
    return { features: r.features.slice(0, r.dim), logits: r.logits === null ? null : r.logits.slice(0, r.numOutputs), truncated: r.truncatedIndices.length > 0 };
  };
  const embed = (text: string): Promise<EmbeddedText> => {
    const hit = recent.get(text);
    if (hit !== undefined) return hit;
    const p = queue.then(() => run(text));
    queue = p.catch(() => undefined);
    recent.set(text, p);
    // A failed embedding is not remembered: the next request tries again.
    p.catch(() => recent.delete(text));
    if (recent.size > REMEMBERED) recent.delete(recent.keys().next().value as string);
    return p;
  };
  return Object.assign(embed, {
    release: async () => {
      if (model !== undefined) await (await model.catch(() => undefined))?.release();
    },
  });
}
