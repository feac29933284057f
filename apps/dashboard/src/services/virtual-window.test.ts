import { describe, expect, it } from 'vitest';
import { computeWindow } from './virtual-window.js';

describe('computeWindow', () => {
  it('renders only the rows in view plus overscan, for a million rows', () => {
    const w = computeWindow(44 * 500_000, 440, 44, 1_000_000, 5);
    expect(w.start).toBe(499_995);
    expect(w.end).toBe(500_000 + 11 + 5);
    expect(w.end - w.start).toBeLessThan(30);
    expect(w.offsetTop).toBe(w.start * 44);
    expect(w.totalHeight).toBe(44_000_000);
  });

  it('clamps at both ends and handles an empty list', () => {
    expect(computeWindow(-50, 100, 10, 3)).toMatchObject({ start: 0, end: 3 });
    expect(computeWindow(1e9, 100, 10, 20, 2)).toMatchObject({ start: 20, end: 20 });
    expect(computeWindow(0, 100, 10, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });
});
