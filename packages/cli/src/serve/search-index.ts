/**
 * Inverted word index over a store's texts and ids, so a search does not scan every text per
 * keystroke (issue 15: 1.16 s at 1M test rows). Lower-cased words (letters and digits) map to
 * ascending row lists in one CSR array pair; the sorted vocabulary answers prefix queries (the word
 * being typed). Built once, chunk by chunk with an await between chunks, so requests keep flowing
 * while it builds. It also keeps a short UTF-8 snippet per row (bounded bytes), so list pages of
 * arbitrary rows (sorted or searched) need no text-chunk decode.
 */

/** Source of rows for the index: texts and ids of [start, end). */
export interface IndexSource {
  rows: number;
  /** Rows per read; one read is processed between yields to the event loop. */
  chunkRows: number;
  read(start: number, end: number): Promise<{ texts: string[]; ids: string[] }>;
  /** Called after each chunk with the rows indexed so far. */
  onProgress?: (indexedRows: number) => void;
}

/** Limits that bound the index's memory. */
export interface SearchIndexOptions {
  /** Characters of each text that are tokenised. @default 4096 */
  maxIndexedChars: number;
  /** Distinct vocabulary words kept; later new words are not indexed (`complete` turns false). @default 4_000_000 */
  maxVocabulary: number;
  /** Bytes for all row snippets together; each row gets min(maxSnippetBytes, budget / rows). @default 48 MiB */
  snippetBudgetBytes: number;
  /** Longest snippet kept per row (bytes of UTF-8). @default 240 */
  maxSnippetBytes: number;
}

export const DEFAULT_SEARCH_INDEX_OPTIONS: SearchIndexOptions = { maxIndexedChars: 4096, maxVocabulary: 4_000_000, snippetBudgetBytes: 48 * 1024 * 1024, maxSnippetBytes: 240 };

/** Query words kept (the rest are ignored; matches stay a superset filtered by later checks). */
export const MAX_QUERY_WORDS = 16;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words of `s` (letters and digits; everything else separates). */
export function words(s: string): string[] {
  return s.toLowerCase().match(WORD) ?? [];
}

/** A built index. */
export interface SearchIndex {
  rows: number;
  /** Vocabulary, sorted (code-unit order) for prefix ranges. */
  vocabulary: string[];
  /** postings[offsets[w] .. offsets[w + 1]) = ascending rows containing vocabulary[w]. */
  offsets: Int32Array;
  postings: Int32Array;
  /** False when the vocabulary cap dropped words. */
  complete: boolean;
  snippetBytes: Uint8Array;
  snippetOffsets: Int32Array;
  /** 1 where a row's snippet is shorter than its text. */
  snippetCut: Uint8Array;
}

/** Builds the index, one `chunkRows` read at a time. */
export async function buildSearchIndex(src: IndexSource, options: Partial<SearchIndexOptions> = {}): Promise<SearchIndex> {
  const o = { ...DEFAULT_SEARCH_INDEX_OPTIONS, ...options };
  const vocab = new Map<string, number>();
  let pairWord: Int32Array = new Int32Array(1 << 16);
  let pairRow: Int32Array = new Int32Array(1 << 16);
  let pairs = 0;
  let complete = true;
  const perRow = Math.max(0, Math.min(o.maxSnippetBytes, Math.floor(o.snippetBudgetBytes / Math.max(1, src.rows))));
  const snippetBytes = new Uint8Array(perRow * src.rows);
  const snippetOffsets = new Int32Array(src.rows + 1);
  const snippetCut = new Uint8Array(src.rows);
  const enc = new TextEncoder();
  let used = 0;
  const seen = new Set<number>();
  for (let start = 0; start < src.rows; start += src.chunkRows) {
    const end = Math.min(src.rows, start + src.chunkRows);
    const { texts, ids } = await src.read(start, end);
    for (let r = start; r < end; r++) {
      const text = texts[r - start] ?? '';
      seen.clear();
      for (const w of [...words(text.length > o.maxIndexedChars ? text.slice(0, o.maxIndexedChars) : text), ...words(ids[r - start] ?? '')]) {
        let id = vocab.get(w);
        if (id === undefined) {
          if (vocab.size >= o.maxVocabulary) {
            complete = false;
            continue;
          }
          id = vocab.size;
          vocab.set(w, id);
        }
        if (seen.has(id)) continue;
        seen.add(id);
        if (pairs === pairWord.length) {
          pairWord = grow(pairWord);
          pairRow = grow(pairRow);
        }
        pairWord[pairs] = id;
        pairRow[pairs++] = r;
      }
      const { read, written } = enc.encodeInto(text.length > perRow ? text.slice(0, perRow) : text, snippetBytes.subarray(used, used + perRow));
      used += written;
      if (read < text.length) snippetCut[r] = 1;
      snippetOffsets[r + 1] = used;
    }
    src.onProgress?.(end);
  }
  // Counting sort of (word, row) pairs by word; rows were appended ascending, so lists stay sorted.
  const order = [...vocab.keys()].sort();
  const rank = new Int32Array(vocab.size);
  order.forEach((w, i) => (rank[vocab.get(w) as number] = i));
  vocab.clear();
  const offsets = new Int32Array(order.length + 1);
  for (let p = 0; p < pairs; p++) offsets[rank[pairWord[p]] + 1]++;
  for (let w = 0; w < order.length; w++) offsets[w + 1] += offsets[w];
  const fill = offsets.slice(0, order.length);
  const postings = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) postings[fill[rank[pairWord[p]]]++] = pairRow[p];
  return { rows: src.rows, vocabulary: order, offsets, postings, complete, snippetBytes: snippetBytes.slice(0, used), snippetOffsets, snippetCut };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const decoder = new TextDecoder();

/** The stored snippet of `row`, with an ellipsis when the text was longer. */
export function indexSnippet(index: SearchIndex, row: number): string {
  const s = decoder.decode(index.snippetBytes.subarray(index.snippetOffsets[row], index.snippetOffsets[row + 1]));
  return index.snippetCut[row] === 1 ? `${s}…` : s;
}

/** First vocabulary position whose word is >= `w` (binary search). */
function lowerBound(vocab: string[], w: string): number {
  let lo = 0;
  let hi = vocab.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vocab[mid] < w) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rows (ascending) where every query word is a prefix of some indexed word of the row's text or
 * id. Cost: the postings of the matching vocabulary ranges plus sorting the matches.
 * `null` when the query has no words (the caller decides what an all-punctuation query means).
 */
export function searchRows(index: SearchIndex, query: string): Int32Array | null {
  const qs = [...new Set(words(query))].slice(0, MAX_QUERY_WORDS);
  if (qs.length === 0) return null;
  const { vocabulary: vocab, offsets, postings } = index;
  // Smallest range first, so later words only promote rows that are still candidates.
  const ranges = qs.map((w) => {
    const lo = lowerBound(vocab, w);
    // Every word with prefix w sorts below w + U+FFFF (code-unit order; surrogates are < U+FFFF).
    const hi = lowerBound(vocab, `${w}\uffff`);
    return { lo, hi, size: offsets[hi] - offsets[lo] };
  });
  ranges.sort((a, b) => a.size - b.size);
  if (ranges[0].size === 0) return new Int32Array(0);
  const hits = new Uint8Array(index.rows);
  const last = ranges.length - 1;
  let out = new Int32Array(Math.min(index.rows, ranges[0].size));
  let count = 0;
  ranges.forEach(({ lo, hi }, k) => {
    for (let p = offsets[lo]; p < offsets[hi]; p++) {
      const r = postings[p];
      if (hits[r] !== k) continue;
      hits[r] = k + 1;
      // A row reaches the last word at most once: collect it there instead of rescanning all rows.
      if (k === last) out[count++] = r;
    }
  });
  out = out.slice(0, count);
  return out.sort();
}
