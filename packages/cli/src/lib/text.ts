/** Small text helpers for terminal output. */

/** One line, at most `max` characters, whitespace collapsed. */
export function snippet(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Fixed-precision score with sign, e.g. `+0.0123`. */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const body = abs !== 0 && (abs < 1e-3 || abs >= 1e4) ? abs.toExponential(2) : abs.toFixed(4);
  return `${v < 0 ? '-' : '+'}${body}`;
}

/** Percentage with one decimal. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
