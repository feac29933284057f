/**
 * Which rows of a fixed-row-height list are visible; the list renders only those (plus overscan).
 * Browsers cap an element's height (Chromium near 33.5M px), so a list taller than `MAX_SCROLL_PX`
 * gets a spacer of that height and scroll positions map linearly onto row positions: the first
 * and the last row stay reachable, and at the bottom the last row sits flush with the end.
 */

/** Tallest spacer the list creates, well under every browser's cap. */
export const MAX_SCROLL_PX = 10_000_000;

/** Rows to render and where the first one sits (in spacer coordinates). */
export interface VirtualWindow {
  start: number;
  end: number;
  offsetTop: number;
  /** Height of the scrolling spacer (≤ `MAX_SCROLL_PX`). */
  totalHeight: number;
  /** Index of the first row whose top is in view: the scroll anchor. */
  first: number;
}

/** Spacer height and how many content pixels one scrolled pixel stands for. */
export interface ScrollGeometry {
  spacer: number;
  factor: number;
}

/** The spacer of a list of `total` rows and the content/scroll ratio. */
export function scrollGeometry(viewportHeight: number, rowHeight: number, total: number, maxPx = MAX_SCROLL_PX): ScrollGeometry {
  const content = Math.max(0, total) * rowHeight;
  if (content <= maxPx) return { spacer: content, factor: 1 };
  const vp = Math.min(Math.max(0, viewportHeight), maxPx / 2);
  return { spacer: maxPx, factor: (content - vp) / (maxPx - vp) };
}

/** Rows [start, end) intersecting the viewport, widened by `overscan` on each side. */
export function computeWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 6, maxPx = MAX_SCROLL_PX): VirtualWindow {
  const { spacer, factor } = scrollGeometry(viewportHeight, rowHeight, total, maxPx);
  const s = Math.min(Math.max(0, scrollTop), Math.max(0, spacer - viewportHeight));
  const v = s * factor;
  const first = Math.min(Math.max(0, total - 1), Math.floor(v / rowHeight));
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.max(start, Math.min(total, first + visible + overscan));
  return { start, end, offsetTop: start * rowHeight - v + s, totalHeight: spacer, first: total === 0 ? 0 : first };
}

/** The scrollTop that puts `row` at the top of the viewport (or as close as the end allows). */
export function scrollTopForRow(row: number, viewportHeight: number, rowHeight: number, total: number, maxPx = MAX_SCROLL_PX): number {
  const { spacer, factor } = scrollGeometry(viewportHeight, rowHeight, total, maxPx);
  const maxScroll = Math.max(0, spacer - viewportHeight);
  // Round up: a browser keeps whole pixels, and one pixel is less than a row (factor < rowHeight).
  return Math.min(maxScroll, Math.max(0, Math.ceil((Math.max(0, row) * rowHeight) / factor - 1e-9)));
}

/** Keys that move the focused row, and where each one goes from row `i`. */
export function keyTarget(key: string, i: number, viewportHeight: number, rowHeight: number, total: number): number | undefined {
  const page = Math.max(1, Math.floor(viewportHeight / rowHeight) - 1);
  const to: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + page, PageUp: i - page, Home: 0, End: total - 1 };
  const j = to[key];
  return j === undefined || total === 0 ? undefined : Math.min(total - 1, Math.max(0, j));
}

/**
 * The scrollTop that brings `row` fully into view with the least movement: unchanged when it is
 * already in view, else the row at the top (moving up) or at the bottom (moving down).
 */
export function scrollTopToReveal(row: number, scrollTop: number, viewportHeight: number, rowHeight: number, total: number, maxPx = MAX_SCROLL_PX): number {
  const { spacer, factor } = scrollGeometry(viewportHeight, rowHeight, total, maxPx);
  const maxScroll = Math.max(0, spacer - viewportHeight);
  const now = Math.min(Math.max(0, scrollTop), maxScroll);
  const v = now * factor;
  const top = row * rowHeight;
  if (top >= v && top + rowHeight <= v + viewportHeight) return now;
  // Round towards the row (down going up, up going down) so all of it is in view: one scrolled
  // pixel is `factor` content pixels.
  if (top < v) return Math.min(maxScroll, Math.floor(top / factor + 1e-9));
  return Math.min(maxScroll, Math.max(0, Math.ceil((top + rowHeight - viewportHeight) / factor - 1e-9)));
}
