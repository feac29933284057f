import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Byte-for-byte comparison of two store directories, bar a short, justified list of fields that
 * record *when* or *where* a step ran rather than what it computed. Found by diffing a sharded
 * SLURM build against an unsharded one (`diff -r`): these are the only fields that differ.
 */
export const VOLATILE_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  // The manifest's creation time, written by `cache finalize` (or the unsharded `cache`).
  'zarr.json': [['attributes', 'dualxda', 'createdAt']],
  // Wall-clock seconds the solver ran; the solution and every other diagnostic are compared.
  'dualda/zarr.json': [['attributes', 'diagnostics', 'seconds']],
  // When `fit` ran, and the path of the store it read (compared after replacing it by `<STORE>`).
  'dualda/collapse.json': [['createdAt']],
};

/**
 * Files of a store as a reader sees them, as sorted `/`-separated relative paths. A symbolic link
 * to a directory of the store (the fitted model's pointer `dualda` -> `dualda.<time>-<pid>-<rand>/`,
 * switched atomically on each save) is listed under the link's name, and the versioned directory
 * it points at is not listed again: its name records when and by which process `fit` ran.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const linkTargets = new Set<string>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const entry of await readdir(abs, { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = join(abs, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await realpath(full);
        if (!(await stat(target)).isDirectory()) files.push(path);
        else {
          linkTargets.add(relative(await realpath(dir), target).split(sep).join('/'));
          await walk(target, path);
        }
      } else if (entry.isDirectory()) await walk(full, path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir, '');
  return files.filter((f) => ![...linkTargets].some((t) => f === t || f.startsWith(`${t}/`))).sort();
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function dropField(doc: Json, path: readonly string[], file: string): void {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${file}: no ${path.join('.')}`);
    node = node[key] as Json;
  }
  const last = path[path.length - 1] as string;
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !(last in node)) throw new Error(`${file}: no ${path.join('.')}`);
  delete node[last];
}

/** Parses a JSON document with the volatile fields removed and the store's own path replaced. */
function normalise(bytes: Buffer, file: string, store: string): string {
  const text = bytes.toString('utf8').split(JSON.stringify(store)).join('"<STORE>"');
  const doc = JSON.parse(text) as Json;
  for (const path of VOLATILE_FIELDS[file] ?? []) dropField(doc, path, file);
  return JSON.stringify(doc);
}

export interface StoreComparison {
  /** Human lines, one per difference; empty when the stores match. */
  differences: string[];
  /** Files compared. */
  files: number;
  /** Files that matched only after dropping their volatile fields. */
  normalised: string[];
}

/**
 * Compares every file of two stores. `skip` leaves files out on both sides (e.g. `dualda/` when
 * only one side was fitted).
 */
export async function compareStores(a: string, b: string, skip: (file: string) => boolean = () => false): Promise<StoreComparison> {
  const filesA = (await listFiles(a)).filter((f) => !skip(f));
  const filesB = (await listFiles(b)).filter((f) => !skip(f));
  const inB = new Set(filesB);
  const inA = new Set(filesA);
  const differences = [...filesA.filter((f) => !inB.has(f)).map((f) => `only in ${a}: ${f}`), ...filesB.filter((f) => !inA.has(f)).map((f) => `only in ${b}: ${f}`)];
  const normalised: string[] = [];
  for (const file of filesA.filter((f) => inB.has(f))) {
    const [x, y] = await Promise.all([readFile(join(a, file)), readFile(join(b, file))]); // follows the model pointer
    if (x.equals(y)) continue;
    if (file in VOLATILE_FIELDS && normalise(x, file, a) === normalise(y, file, b)) {
      normalised.push(file);
      continue;
    }
    differences.push(`differs: ${file}`);
  }
  return { differences, files: filesA.length, normalised };
}
