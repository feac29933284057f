import { describe, expect, it } from 'vitest';
import { contrastRatio, divergingColor, divergingRgb, maxAbs, relativeLuminance, textColorFor } from './heatmap-colors.js';

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

  it('scales by the largest finite |score|', () => {
    expect(maxAbs([0.5, -3, Number.POSITIVE_INFINITY, 1])).toBe(3);
    expect(maxAbs([])).toBe(0);
  });

  it('computes WCAG luminance and contrast', () => {
    expect(relativeLuminance([255, 255, 255])).toBeCloseTo(1, 6);
    expect(relativeLuminance([0, 0, 0])).toBe(0);
    expect(contrastRatio(1, 0)).toBeCloseTo(21, 6);
    // White on full red is 4.0:1, below AA: red tokens must get black text.
    expect(contrastRatio(relativeLuminance([255, 0, 0]), 1)).toBeCloseTo(4.0, 1);
    expect(textColorFor(3, 3)).toBe('#000');
    expect(textColorFor(-2.9, 3)).toBe('#fff');
    expect(textColorFor(0.1, 3)).toBe('#000');
  });

  it('gives every token on the scale at least AA contrast (4.5:1)', () => {
    for (let i = -100; i <= 100; i++) {
      const bg = relativeLuminance(divergingRgb(i, 100));
      const fg = textColorFor(i, 100) === '#fff' ? 1 : 0;
      expect(contrastRatio(bg, fg), `score ${i}/100`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
