import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from '@dualxda/llm-adapter';

/** sha256 (hex) of a file's bytes, streamed (constant memory, ~1 s per GB). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The revision of an imported dataset: a hash over the contents of its files, in a fixed order.
 * Recorded as the store's `datasetRevision`, so re-importing other data (even of the same shape)
 * into an existing store is refused instead of silently keeping the old rows.
 */
export async function contentRevision(files: readonly string[]): Promise<string> {
  const outer = createHash('sha256');
  for (const f of files) outer.update(`${await sha256File(f)}\n`);
  return outer.digest('hex');
}

/**
 * The weights files of a checkpoint folder in hashing order: `model.safetensors`, or the shards
 * its `model.safetensors.index.json` names, sorted (llm-adapter's `readCheckpointWeights` order).
 * Empty when the folder has neither (the loader then names what is missing).
 */
export async function checkpointWeightFiles(dir: string): Promise<string[]> {
  const single = join(dir, SAFETENSORS_FILE);
  if (await stat(single).then((s) => s.isFile(), () => false)) return [single];
  const index = await readFile(join(dir, SAFETENSORS_INDEX_FILE), 'utf8').catch(() => undefined);
  if (index === undefined) return [];
  let map: unknown;
  try {
    map = (JSON.parse(index) as { weight_map?: unknown }).weight_map;
  } catch {
    return [];
  }
  if (map === null || typeof map !== 'object') return [];
  const files = new Set(Object.values(map as Record<string, unknown>).filter((f): f is string => typeof f === 'string' && basename(f) === f));
  return [...files].sort().map((f) => join(dir, f));
}

/** The checkpoint's `modelHash` as a store records it: sha256 over its weights files' bytes, in order. */
export async function checkpointModelHash(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of files) for await (const chunk of createReadStream(f, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
