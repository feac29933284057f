import { describe, expect, it } from 'vitest';
import { computeWindow, MAX_SCROLL_PX, scrollGeometry, scrollTopForRow } from './virtual-window.js';

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
