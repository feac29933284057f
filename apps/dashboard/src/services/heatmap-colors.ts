/**
 * Red/blue diverging colours for relevance: positive = red, negative = blue, zero = white, on a
 * symmetric scale [-scale, scale]; token text is black or white, whichever contrasts more with
 * the background (WCAG 2 relative luminance), so every token meets AA (≥ 4.5:1).
 */

/** Largest absolute value (0 for an empty or all-zero list). */
export function maxAbs(scores: readonly number[]): number {
  let m = 0;
  for (const s of scores) if (Number.isFinite(s) && Math.abs(s) > m) m = Math.abs(s);
  return m;
}

/** [r, g, b] in 0..255 for `score` on [-scale, scale]; non-finite scores are grey. */
export function divergingRgb(score: number, scale: number): [number, number, number] {
  if (!Number.isFinite(score)) return [200, 200, 200];
  const t = scale > 0 ? Math.max(-1, Math.min(1, score / scale)) : 0;
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** CSS rgb() of `divergingRgb`. */
export function divergingColor(score: number, scale: number): string {
  const [r, g, b] = divergingRgb(score, scale);
  return `rgb(${r}, ${g}, ${b})`;
}

/** WCAG 2 relative luminance of an sRGB colour (0 black … 1 white). */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two luminances (1 … 21). */
export function contrastRatio(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Black or white, whichever contrasts more with the token's background. */
export function textColorFor(score: number, scale: number): '#000' | '#fff' {
  const bg = relativeLuminance(divergingRgb(score, scale));
  return contrastRatio(bg, 1) > contrastRatio(bg, 0) ? '#fff' : '#000';
}
