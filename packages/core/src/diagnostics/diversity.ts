/**
 * Proponent diversity: do different queries (test rows) get different top-k training rows? When
 * the features collapse onto one direction, every query gets the same proponents whatever its
 * content (docs/attribution.md "Collapse alarm").
 */
import { InvalidOptionError } from '../errors.js';
import type { ProponentDiversity, RankingDiversity } from './types.js';

/** Top-k training-row indices per query, best first (e.g. `ExplanationRow.proponents.map((a) => a.index)`). */
export type RankingLists = readonly ArrayLike<number>[];

export interface ProponentDiversityInput {
  proponents: RankingLists;
  /** Same for opponents (most negative first); omit to skip that side. */
  opponents?: RankingLists;
  /** Training rows n (indices must be in 0..n-1). */
  trainRows: number;
}

export interface ProponentDiversityOptions {
  /** Lists are cut to their first k entries. @default DEFAULT_DIVERSITY_OPTIONS.k (10) */
  k?: number;
  /** Names the top-1 row in the result (`top1Id`), e.g. `(i) => ids[i]`. */
  idOf?: (row: number) => string;
}

/** Documented defaults of {@link ProponentDiversityOptions}. */
export const DEFAULT_DIVERSITY_OPTIONS = { k: 10 } as const;

/** Sorted, de-duplicated first-k entries of each list (sorted sets make Jaccard a linear merge). */
function toSets(lists: RankingLists, k: number, trainRows: number, side: string): Int32Array[] {
  return lists.map((list, q) => {
    const m = Math.min(k, list.length);
    const set = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const r = list[j] as number;
      if (!Number.isInteger(r) || r < 0 || r >= trainRows) throw new InvalidOptionError(side, `query ${q} entry ${j} is ${r}, outside 0..${trainRows - 1}`);
      set[j] = r;
    }
    set.sort();
    let u = 0;
    for (let j = 0; j < m; j++) if (j === 0 || set[j] !== set[j - 1]) set[u++] = set[j] as number;
    return set.subarray(0, u);
  });
}

/**
 * Σ over query pairs (a < b, not both empty) of Jaccard(A, B), and the pair count. Pairs that share
 * no row add 0, so only pairs met through a shared row are visited: an inverted index (row →
 * queries holding it) counts |A ∩ B| for each later b. Diverse rankings make that a small fraction
 * of the q²/2 pairs (the merge of every pair was a quarter of `fit`'s collapse report); collapsed
 * ones cost what the plain loop did.
 */
function jaccardSum(sets: readonly Int32Array[]): { sum: number; pairs: number } {
  const q = sets.length;
  const postings = new Map<number, number[]>();
  sets.forEach((set, a) => {
    for (const r of set) {
      const list = postings.get(r);
      if (list === undefined) postings.set(r, [a]);
      else list.push(a);
    }
  });
  const shared = new Int32Array(q);
  const touched = new Int32Array(q);
  let sum = 0;
  let emptySets = 0;
  for (let a = 0; a < q; a++) {
    const A = sets[a] as Int32Array;
    if (A.length === 0) emptySets++;
    let t = 0;
    for (const r of A) {
      // Postings are ascending: the queries after a are a suffix.
      const list = postings.get(r) as number[];
      for (let u = list.length - 1; u >= 0 && (list[u] as number) > a; u--) {
        const b = list[u] as number;
        if (shared[b] === 0) touched[t++] = b;
        shared[b] = (shared[b] as number) + 1;
      }
    }
    for (let u = 0; u < t; u++) {
      const b = touched[u] as number;
      const inter = shared[b] as number;
      sum += inter / (A.length + (sets[b] as Int32Array).length - inter);
      shared[b] = 0;
    }
  }
  return { sum, pairs: (q * (q - 1)) / 2 - (emptySets * (emptySets - 1)) / 2 };
}

function rankingDiversity(lists: RankingLists, k: number, trainRows: number, side: string, idOf: ((row: number) => string) | undefined): RankingDiversity {
  const sets = toSets(lists, k, trainRows, side);
  const top1 = new Map<number, number>();
  const anywhere = new Set<number>();
  let empty = 0;
  for (const list of lists) {
    if (list.length === 0) {
      empty++;
      continue;
    }
    const r = list[0] as number;
    top1.set(r, (top1.get(r) ?? 0) + 1);
  }
  for (const s of sets) for (const r of s) anywhere.add(r);
  let top1Row: number | null = null;
  let top1Count = 0;
  for (const [r, c] of top1) if (c > top1Count || (c === top1Count && top1Row !== null && r < top1Row)) [top1Row, top1Count] = [r, c];
  const { sum, pairs } = jaccardSum(sets);
  return {
    queries: lists.length,
    empty,
    k,
    top1Row,
    top1Id: top1Row !== null && idOf !== undefined ? idOf(top1Row) : null,
    top1Count,
    top1Concentration: lists.length === 0 ? 0 : top1Count / lists.length,
    distinctTop1: top1.size,
    distinctTopK: anywhere.size,
    meanJaccard: pairs === 0 ? null : sum / pairs,
    pairs,
  };
}

/**
 * Top-1 concentration (largest share of queries with the same top-1 training row, and which row),
 * distinct top-1 rows, distinct rows in any top-k, and the mean pairwise Jaccard of the top-k sets
 * over all pairs of queries, for proponents and (when given) opponents. O(q²·k) for q queries:
 * sample the queries (`sampleRowIndices`) when there are many.
 *
 * @example
 * const r = explain(model, sampleFeatures, { topK: 10 });
 * const div = proponentDiversity({
 *   proponents: r.rows.map((x) => x.proponents.map((a) => a.index)),
 *   opponents: r.rows.map((x) => x.opponents.map((a) => a.index)),
 *   trainRows: n,
 * });
 * div.proponents.top1Concentration; // 1 = every query has the same top proponent
 */
export function proponentDiversity(input: ProponentDiversityInput, options: ProponentDiversityOptions = {}): ProponentDiversity {
  const k = options.k ?? DEFAULT_DIVERSITY_OPTIONS.k;
  if (!Number.isInteger(k) || k < 1) throw new InvalidOptionError('k', `must be a positive integer, got ${k}`);
  const { trainRows } = input;
  if (!Number.isInteger(trainRows) || trainRows < 0) throw new InvalidOptionError('trainRows', `must be a non-negative integer, got ${trainRows}`);
  if (input.opponents !== undefined && input.opponents.length !== input.proponents.length) {
    throw new InvalidOptionError('opponents', `has ${input.opponents.length} lists, proponents ${input.proponents.length}`);
  }
  return {
    trainRows,
    k,
    proponents: rankingDiversity(input.proponents, k, trainRows, 'proponents', options.idOf),
    opponents: input.opponents === undefined ? null : rankingDiversity(input.opponents, k, trainRows, 'opponents', options.idOf),
  };
}
