import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The llm-adapter package's `assets/` folder (embedded checkpoints and corpus). */
export function llmAdapterAssetsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@dualxda/llm-adapter/package.json')), 'assets');
}

/** The embedded default classifier (trained ham/spam BERT). */
export function embeddedModelDir(name = 'spam-bert'): string {
  return join(llmAdapterAssetsDir(), name);
}

/** The embedded SpamAssassin corpus folder (train.jsonl, test.jsonl). */
export function embeddedCorpusDir(): string {
  return join(llmAdapterAssetsDir(), 'corpus');
}
