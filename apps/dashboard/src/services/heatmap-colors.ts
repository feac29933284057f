/**
 * Red/blue diverging colours for relevance: positive = red, negative = blue, zero = white,
 * scaled by the largest |score| of the heatmap so both sides of a pair are comparable within a side.
 */

/** Largest absolute value (0 for an empty or all-zero list). */
export function maxAbs(scores: readonly number[]): number {
  let m = 0;
  for (const s of scores) if (Number.isFinite(s) && Math.abs(s) > m) m = Math.abs(s);
  return m;
}

/** CSS rgb() for `score` on a symmetric scale [-scale, scale]; non-finite scores are grey. */
export function divergingColor(score: number, scale: number): string {
  if (!Number.isFinite(score)) return 'rgb(200, 200, 200)';
  const t = scale > 0 ? Math.max(-1, Math.min(1, score / scale)) : 0;
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`;
}

/** Text colour that stays readable on `divergingColor` backgrounds. */
export function textColorFor(score: number, scale: number): string {
  return scale > 0 && Math.abs(score / scale) > 0.6 ? '#fff' : '#111';
}
