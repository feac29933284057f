/** Number formatting shared by the views. */

/** Compact score: 3 significant digits; whole numbers from 1000 up (never "1.80e+3"), exponent only below 1e-3. */
export function formatScore(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toString();
  return a < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

/** Most decimals a column gets before it falls back to one shared exponent format. */
const MAX_DECIMALS = 8;

/**
 * One format for a whole column of scores: the same number of decimals on every row, enough for
 * 3 significant digits of the largest |value| and more (up to 8) until neighbouring distinct values
 * stop looking tied; "+" on positive values. Columns of values all below 1e-8 share an exponent format.
 */
export function columnFormatter(values: readonly number[], opts: { signed?: boolean } = {}): (x: number) => string {
  const signed = opts.signed ?? true;
  const finite = values.filter(Number.isFinite);
  const max = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const sign = (x: number, s: string): string => (signed && x > 0 ? `+${s}` : s);
  if (max === 0) return (x) => (Number.isFinite(x) ? (x === 0 ? '0' : sign(x, x.toExponential(2))) : String(x));
  let decimals = Math.max(0, 2 - Math.floor(Math.log10(max)));
  if (decimals > MAX_DECIMALS) return (x) => (Number.isFinite(x) ? sign(x, x.toExponential(2)) : String(x));
  const distinct = [...new Set(finite)].sort((p, q) => p - q);
  const tied = (d: number): boolean => distinct.some((v, i) => i > 0 && v.toFixed(d) === (distinct[i - 1] ?? v).toFixed(d));
  const limit = Math.min(MAX_DECIMALS, decimals + 4);
  while (decimals < limit && tied(decimals)) decimals++;
  return (x) => (Number.isFinite(x) ? sign(x, x.toFixed(decimals)) : String(x));
}

/** Signed score alone (a column of one). */
export function formatSigned(x: number): string {
  return columnFormatter([x])(x);
}

/** Percentage with one decimal. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Class name for an id, tolerant of ids outside the list. */
export function className(names: readonly string[], id: number): string {
  return names[id] ?? `class ${id}`;
}
