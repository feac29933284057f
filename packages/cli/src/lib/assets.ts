import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The llm-adapter package's `assets/` folder (embedded checkpoints and corpus):
 * `$DUALXDA_ASSETS_DIR`, else found by walking up from this file to the workspace
 * (`packages/llm-adapter/assets`) or an install (`node_modules/@dualxda/llm-adapter/assets`).
 * A file lookup rather than `require.resolve`, which the boundary lint reads as a lazy import.
 */
export function llmAdapterAssetsDir(): string {
  const fromEnv = process.env['DUALXDA_ASSETS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [join(dir, 'packages', 'llm-adapter', 'assets'), join(dir, 'node_modules', '@dualxda', 'llm-adapter', 'assets')]) {
      if (existsSync(candidate)) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'packages', 'llm-adapter', 'assets');
    dir = up;
  }
}

/** The embedded default classifier (trained ham/spam BERT). */
export function embeddedModelDir(name = 'spam-bert'): string {
  return join(llmAdapterAssetsDir(), name);
}

/** The embedded SpamAssassin corpus folder (train.jsonl, test.jsonl). */
export function embeddedCorpusDir(): string {
  return join(llmAdapterAssetsDir(), 'corpus');
}
