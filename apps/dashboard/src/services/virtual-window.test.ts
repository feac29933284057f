import { describe, expect, it } from 'vitest';
import { computeWindow, keyTarget, MAX_SCROLL_PX, scrollGeometry, scrollTopForRow, scrollTopToReveal } from './virtual-window.js';

const ROWS = 1_000_000;
const H = 44;
const VP = 560;

describe('computeWindow', () => {
  it('renders only the rows in view plus overscan, for a short list, without scaling', () => {
    const w = computeWindow(44 * 500, 440, 44, 1000, 5);
    expect(w.start).toBe(495);
    expect(w.end).toBe(500 + 11 + 5);
    expect(w.offsetTop).toBe(w.start * 44);
    expect(w.totalHeight).toBe(44_000);
    expect(w.first).toBe(500);
  });

  it('keeps the spacer of a million rows under the browser cap and reaches the last row, flush with the end', () => {
    expect(scrollGeometry(VP, H, ROWS).spacer).toBe(MAX_SCROLL_PX);
    const bottom = computeWindow(1e12, VP, H, ROWS);
    expect(bottom.totalHeight).toBeLessThanOrEqual(10_000_000);
    expect(bottom.end).toBe(ROWS);
    expect(bottom.end - bottom.start).toBeLessThan(40);
    // Bottom of the last row = bottom of the spacer: aligned to the end, nothing cut off.
    expect(bottom.offsetTop + (bottom.end - bottom.start) * H).toBeCloseTo(MAX_SCROLL_PX, 6);
    const top = computeWindow(0, VP, H, ROWS);
    expect(top).toMatchObject({ start: 0, offsetTop: 0, first: 0 });
  });

  it('maps every anchor row to a scrollTop that shows that row first, at a million rows', () => {
    for (const row of [0, 1, 7, 762_606, 999_000, 999_987]) {
      const s = scrollTopForRow(row, VP, H, ROWS);
      expect(computeWindow(s, VP, H, ROWS).first).toBe(row);
    }
    // Rows past the last full screen clamp to the bottom, which still shows them.
    const s = scrollTopForRow(ROWS - 1, VP, H, ROWS);
    expect(s).toBe(MAX_SCROLL_PX - VP);
    expect(computeWindow(s, VP, H, ROWS).end).toBe(ROWS);
  });

  it('clamps at both ends and handles an empty list', () => {
    expect(computeWindow(-50, 100, 10, 3)).toMatchObject({ start: 0, end: 3 });
    expect(computeWindow(1e9, 100, 10, 20, 2)).toMatchObject({ end: 20, first: 10 });
    expect(computeWindow(0, 100, 10, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0, first: 0 });
  });
});

describe('keyboard row navigation', () => {
  it('moves by one row, by a page, to the ends, and never past them', () => {
    expect(keyTarget('ArrowDown', 5, VP, H, ROWS)).toBe(6);
    expect(keyTarget('ArrowUp', 0, VP, H, ROWS)).toBe(0);
    expect(keyTarget('PageDown', 5, VP, H, ROWS)).toBe(5 + Math.floor(VP / H) - 1);
    expect(keyTarget('End', 5, VP, H, ROWS)).toBe(ROWS - 1);
    expect(keyTarget('Home', 5, VP, H, ROWS)).toBe(0);
    expect(keyTarget('ArrowDown', ROWS - 1, VP, H, ROWS)).toBe(ROWS - 1);
    expect(keyTarget('a', 5, VP, H, ROWS)).toBeUndefined();
  });

  it.each([100, 1_000_000])('reveals a row fully with the least scrolling (%i rows)', (total) => {
    for (const row of [0, 1, 37, Math.floor(total / 2), total - 2, total - 1]) {
      for (const start of [0, 12_345, 9_000_000]) {
        const s = scrollTopToReveal(row, start, VP, H, total);
        const w = computeWindow(s, VP, H, total);
        // The row's box in the viewport: offsetTop is where row `w.start` sits in spacer coordinates.
        const rowTop = w.offsetTop + (row - w.start) * H - s;
        expect(row >= w.start && row < w.end, `row ${row} rendered`).toBe(true);
        expect(rowTop).toBeGreaterThanOrEqual(-1e-6);
        expect(rowTop + H).toBeLessThanOrEqual(VP + 1e-6);
        // Already in view: no movement.
        expect(scrollTopToReveal(row, s, VP, H, total)).toBe(s);
      }
    }
  });
});
