import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `path` so readers see the old file or the whole new one: a temp file in the same
 * directory (rename is atomic only within one directory, also on NFS), then rename. On any
 * failure the temp file is removed, so a refused target (a directory, no permission) leaves
 * nothing behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
