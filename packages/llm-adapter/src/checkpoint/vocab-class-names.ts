import type { Tokenizer } from './load-tokenizer.js';

/**
 * Class names of a causal-LM head (class k = token id k): the tokenizer's token string for each
 * id. A store manifest needs K non-empty, unique names, so an embedding row the tokenizer never
 * emits (vocab_size is often padded past the tokenizer, e.g. to a multiple of 64) is named
 * `<id:K>`, as is any empty or repeated token string.
 *
 * @example
 * vocabClassNames(tok, 4); // ['<pad>', '<unk>', '<s>', '</s>']
 */
export function vocabClassNames(tokenizer: Tokenizer, size: number): string[] {
  const names = new Array<string>(size);
  for (const [token, id] of tokenizer.get_vocab()) if (id >= 0 && id < size) names[id] = token;
  const seen = new Set<string>();
  for (let k = 0; k < size; k++) {
    const t = names[k];
    const name = t === undefined || t === '' || seen.has(t) ? `<id:${k}>` : t;
    names[k] = name;
    seen.add(name);
  }
  return names;
}
