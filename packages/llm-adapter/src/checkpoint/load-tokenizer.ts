import { env, PreTrainedTokenizer } from '@huggingface/transformers';
import * as transformers from '@huggingface/transformers';
import { ModelLoadError } from '../errors.js';
import { readCheckpointJson } from './read-json.js';

/** The tokenizer type used throughout the adapter (transformers.js). */
export type Tokenizer = PreTrainedTokenizer;

type TokenizerClass = new (json: object, config: object) => PreTrainedTokenizer;

/**
 * Builds the tokenizer from `tokenizer.json` + `tokenizer_config.json` read from the folder
 * itself. Remote loading is switched off first, so nothing is ever fetched: reading the files
 * ourselves also gives missing-file errors that name the folder.
 *
 * @example
 * const tok = await loadTokenizer('/abs/path/to/spam-bert');
 * tok.encode('hello world');
 */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  env.allowRemoteModels = false;
  const json = await readCheckpointJson(dir, 'tokenizer.json');
  const config = await readCheckpointJson(dir, 'tokenizer_config.json');
  const className = typeof config['tokenizer_class'] === 'string' ? config['tokenizer_class'].replace(/Fast$/, '') : '';
  // Same lookup as AutoTokenizer: the class named in tokenizer_config.json, else the base class.
  const named = (transformers as unknown as Record<string, unknown>)[className];
  const isTokenizerClass = typeof named === 'function' && named.prototype instanceof PreTrainedTokenizer;
  const Cls: TokenizerClass = isTokenizerClass ? (named as TokenizerClass) : PreTrainedTokenizer;
  try {
    return new Cls(json, config);
  } catch (cause) {
    throw new ModelLoadError(dir, 'tokenizer.json', `could not build the tokenizer (${String(cause)})`, { cause });
  }
}

/** Number of ids the tokenizer can emit: one past the largest id in its vocabulary. */
export function tokenizerVocabSize(tokenizer: Tokenizer): number {
  let max = -1;
  for (const id of tokenizer.get_vocab().values()) if (id > max) max = id;
  return max + 1;
}
