import { useCallback, useEffect, useRef, useState } from 'react';

/** Pause after the last keystroke before the search goes to the URL and the server. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Pause after scrolling before the first visible row goes to the URL. */
const ANCHOR_DEBOUNCE_MS = 200;

/** What a list view needs to keep its search box and scroll anchor in the URL. */
export interface ListUrlState {
  /** The search box's text (ahead of the URL while the user types). */
  draft: string;
  setDraft: (q: string) => void;
  /** Changes whenever the anchor must be applied (a typed URL, a jump), not when the list wrote it. */
  epoch: number;
  onFirstRow: (row: number) => void;
}

/**
 * Search and scroll anchor of a list, kept in the URL: the search reaches `write` only after a
 * `SEARCH_DEBOUNCE_MS` pause (one request per pause, not per keystroke); the first visible row
 * after a scroll pause. `write(patch)` replaces the current history entry.
 */
export function useListUrl(q: string, at: number, write: (patch: { q?: string; at: number }) => void): ListUrlState {
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const writeRef = useRef(write);
  writeRef.current = write;
  useEffect(() => {
    if (draft === q) return;
    const t = setTimeout(() => writeRef.current({ q: draft, at: 0 }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [draft, q]);
  // The anchor this list wrote itself while scrolling; any other `at` (typed URL, jump box) scrolls the list.
  const written = useRef(at);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if (at === written.current) return;
    written.current = at;
    setEpoch((e) => e + 1);
  }, [at]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onFirstRow = useCallback((row: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      written.current = row;
      writeRef.current({ at: row });
    }, ANCHOR_DEBOUNCE_MS);
  }, []);
  return { draft, setDraft, epoch, onFirstRow };
}
