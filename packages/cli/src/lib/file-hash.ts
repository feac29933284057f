import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
