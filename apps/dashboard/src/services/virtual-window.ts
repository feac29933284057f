/** Which rows of a fixed-row-height list are visible; the list renders only those (plus overscan). */

/** Rows to render and where the first one sits. */
export interface VirtualWindow {
  start: number;
  end: number;
  offsetTop: number;
  totalHeight: number;
}

/** Rows [start, end) intersecting the viewport, widened by `overscan` on each side. */
export function computeWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 6): VirtualWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.max(start, Math.min(total, first + visible + overscan));
  return { start, end, offsetTop: start * rowHeight, totalHeight: total * rowHeight };
}
