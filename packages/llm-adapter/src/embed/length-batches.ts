/**
 * Groups item indices into batches of similar length: indices are sorted by length (stable, so
 * equal lengths keep their order) and cut into runs of `batchSize`. Less padding, same results.
 *
 * @example
 * lengthBatches([5, 1, 4, 2], 2); // [[1, 3], [2, 0]]
 */
export function lengthBatches(lengths: ArrayLike<number>, batchSize: number): number[][] {
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  order.sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}
