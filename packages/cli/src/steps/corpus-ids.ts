/**
 * Duplicate-id detection for corpora of any size: a 52-bit FNV-1a hash per id (8 bytes a row) is
 * sorted, and only ids whose hashes collide are confirmed by a second pass over the files, so the
 * ids themselves are never all held in memory.
 */
import { readCorpus as readCorpusBatches } from '@dualxda/core';

/** A growable list of id hashes. */
export interface IdHashes {
  hashes: Float64Array;
  count: number;
}

/** An empty hash list. */
export function createIdHashes(): IdHashes {
  return { hashes: new Float64Array(1024), count: 0 };
}

/** FNV-1a over UTF-16 code units, folded to 52 bits (exact in a float64). */
export function hashId(id: string): number {
  let lo = 0x811c9dc5;
  let hi = 0x050c5d1f;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    lo = Math.imul(lo ^ c, 0x01000193) >>> 0;
    hi = Math.imul(hi ^ (c + i), 0x01000193) >>> 0;
  }
  return (hi & 0xfffff) * 2 ** 32 + lo;
}

/** Appends the hash of `id`. */
export function addIdHash(h: IdHashes, id: string): void {
  if (h.count === h.hashes.length) {
    const grown = new Float64Array(h.hashes.length * 2);
    grown.set(h.hashes);
    h.hashes = grown;
  }
  h.hashes[h.count++] = hashId(id);
}

/** Hashes that occur more than once (candidates; a collision of distinct ids is possible). */
export function repeatedHashes(h: IdHashes): Set<number> {
  const sorted = h.hashes.slice(0, h.count).sort();
  const out = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i] as number);
  return out;
}

/** Where a duplicate id occurs: its value and two (file, row-in-file) places. */
export interface DuplicateId {
  id: string;
  first: { file: string; row: number };
  second: { file: string; row: number };
}

/**
 * Confirms candidate hashes by reading the files again (at most `limit` rows in all); returns the
 * first id that really occurs twice, or `undefined` when every candidate was a hash collision.
 */
export async function confirmDuplicate(files: readonly string[], candidates: Set<number>, limit = Number.POSITIVE_INFINITY): Promise<DuplicateId | undefined> {
  if (candidates.size === 0) return undefined;
  const seen = new Map<string, { file: string; row: number }>();
  let n = 0;
  for (const file of files) {
    let row = 0;
    for await (const batch of readCorpusBatches(file)) {
      for (const r of batch) {
        if (n++ >= limit) return undefined;
        const at = { file, row: row++ };
        if (!candidates.has(hashId(r.id))) continue;
        const first = seen.get(r.id);
        if (first !== undefined) return { id: r.id, first, second: at };
        seen.set(r.id, at);
      }
    }
  }
  return undefined;
}
