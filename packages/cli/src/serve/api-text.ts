/**
 * `/api/text?text=[&k=][&class=]`: a typed text explained like a test row (the dashboard's
 * custom-text box; the same answer as `dualxda explain --text`). The checkpoint embeds it
 * (serve/text-embedder.ts), then the surrogate ranks the training rows exactly as for a test row.
 */
import type { TextDetail } from '@dualxda/core';
import { explainFeatures } from './api-tests.js';
import { HttpError } from './http-error.js';
import { isTokenStore } from '../steps/token-rows.js';
import type { ServiceState } from './service-state.js';
import type { EmbeddedText } from './types.js';

/** Longest typed text accepted (the dashboard's URL carries it too). */
export const MAX_TEXT_CHARS = 2000;

/** Checks a `?text=` value: present, not blank, not too long. */
export function checkTypedText(raw: string | null): string {
  if (raw === null || raw.trim() === '') throw new HttpError(400, `parameter 'text' is required (the text to explain)`);
  if (raw.length > MAX_TEXT_CHARS) throw new HttpError(400, `parameter 'text' must be at most ${MAX_TEXT_CHARS} characters (got ${raw.length})`);
  return raw;
}

/** Embeds `text` with the checkpoint, or says why the server cannot. */
export async function embedTyped(state: ServiceState, text: string): Promise<EmbeddedText> {
  const embed = state.data.embedText;
  // A token-head store's rows are tokens: one pooled answer for the whole text would compare a
  // text feature with token features (meaningless), so say so instead.
  if (isTokenStore(state.data.train.store)) throw new HttpError(400, 'this is a token-head store (one row per token): a typed text is explained per token by `dualxda explain STORE --text ...`; pick a test token row here');
  if (embed === undefined) throw new HttpError(404, `explaining a typed text needs the model checkpoint: ${state.data.xdaUnavailableReason ?? 'none configured'} (start the server with --model DIR)`);
  const e = await embed(text);
  if (e.features.length !== state.sv.dim) throw new HttpError(409, `the checkpoint gives ${e.features.length} features per text but the stores hold ${state.sv.dim}: it is not the model that built them`);
  return e;
}

/** Index of the largest value. */
function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let m = 1; m < v.length; m++) if ((v[m] as number) > (v[best] as number)) best = m;
  return best;
}

/** The network's logits when its head gives K of them, else the surrogate's. */
function networkLogits(e: EmbeddedText, surrogate: number[], K: number): number[] {
  return e.logits !== null && e.logits.length === K ? Array.from(e.logits) : surrogate;
}

/** The explanation of a typed text for `target` (default: the network's prediction), `k` per side. */
export async function textDetail(state: ServiceState, text: string, k: number, target?: number): Promise<TextDetail> {
  const K = state.classes;
  if (target !== undefined && target >= K) throw new HttpError(400, `class ${target} does not exist (K = ${K})`);
  const e = await embedTyped(state, text);
  // The surrogate's logits are part of every explanation; the prediction needs them when the head gives none.
  const first = explainFeatures(state, e.features, k, target ?? 0);
  const modelLogits = networkLogits(e, first.surrogateLogits, K);
  const prediction = argmax(modelLogits);
  const c = target ?? prediction;
  const explained = c === (target ?? 0) ? first : explainFeatures(state, e.features, k, c);
  return { text, prediction, target: c, modelLogits, ...explained, truncated: e.truncated };
}

/** The explained class of a typed text's pair: `?class=` when given, else the network's prediction. */
export async function textTarget(state: ServiceState, text: string, cls: number | undefined): Promise<number> {
  if (cls !== undefined) return cls;
  const e = await embedTyped(state, text);
  return argmax(networkLogits(e, explainFeatures(state, e.features, 1, 0).surrogateLogits, state.classes));
}
