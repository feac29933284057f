import { describe, expect, it } from 'vitest';
import { divergingColor, maxAbs, textColorFor } from './heatmap-colors.js';

describe('diverging heatmap colours', () => {
  it('maps +max to full red, -max to full blue and 0 to white', () => {
    expect(divergingColor(2, 2)).toBe('rgb(255, 0, 0)');
    expect(divergingColor(-2, 2)).toBe('rgb(0, 0, 255)');
    expect(divergingColor(0, 2)).toBe('rgb(255, 255, 255)');
    expect(divergingColor(1, 2)).toBe('rgb(255, 128, 128)');
  });

  it('clamps beyond the scale and greys out non-finite values', () => {
    expect(divergingColor(10, 1)).toBe('rgb(255, 0, 0)');
    expect(divergingColor(Number.NaN, 1)).toBe('rgb(200, 200, 200)');
    expect(divergingColor(1, 0)).toBe('rgb(255, 255, 255)');
  });

  it('scales by the largest finite |score| and picks a readable text colour', () => {
    expect(maxAbs([0.5, -3, Number.POSITIVE_INFINITY, 1])).toBe(3);
    expect(maxAbs([])).toBe(0);
    expect(textColorFor(-2.9, 3)).toBe('#fff');
    expect(textColorFor(0.1, 3)).toBe('#111');
  });
});
