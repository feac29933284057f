/** Number formatting shared by the views. */

/** Compact signed score: 3 significant digits, exponent for very small/large values. */
export function formatScore(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

/** Percentage with one decimal. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Class name for an id, tolerant of ids outside the list. */
export function className(names: readonly string[], id: number): string {
  return names[id] ?? `class ${id}`;
}
