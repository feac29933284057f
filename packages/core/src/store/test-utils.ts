import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A fresh temp directory (tests only). */
export async function tempDir(prefix = 'dualxda-store-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `root` as relative path -> bytes, sorted by path. */
export async function snapshotDir(root: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  files.sort();
  const out = new Map<string, Buffer>();
  for (const f of files) out.set(relative(root, f), await readFile(f));
  return out;
}

/** Paths whose bytes differ (or exist on one side only). */
export function diffSnapshots(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diff: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (x === undefined || y === undefined || !x.equals(y)) diff.push(k);
  }
  return diff.sort();
}
