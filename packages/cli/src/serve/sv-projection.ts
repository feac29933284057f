/**
 * A 2-D map of the feature space for the overview page: the support vectors' features projected
 * on their first two principal components (power iteration with deflation on the centred sample,
 * no covariance matrix: O(iterations · n · dim)). Computed once per server state and cached.
 */
import type { SupportVectorCache } from './surrogate-cache.js';

/** Support vectors drawn at most (evenly strided, so the map is deterministic). */
export const MAX_PROJECTED = 1000;
const ITERATIONS = 60;

/** The projection sent in `/api/global`. */
export interface SvProjection {
  /** Training row, label and the two coordinates of each drawn support vector. */
  points: { row: number; label: number; x: number; y: number }[];
  /** Share of the sample's variance along each axis. */
  explained: [number, number];
  total: number;
}

type Sample = Pick<SupportVectorCache, 'count' | 'dim' | 'indices' | 'labels' | 'features'>;

/** Leading eigenvector of XᵀX of the centred rows `x` (n × dim), orthogonal to `against`. */
function principalAxis(x: Float64Array, n: number, dim: number, against: Float64Array | undefined): { axis: Float64Array; variance: number } {
  let v = Float64Array.from({ length: dim }, (_, j) => 1 + ((j * 7919) % 13) / 13);
  const xv = new Float64Array(n);
  let variance = 0;
  for (let it = 0; it < ITERATIONS; it++) {
    if (against !== undefined) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += (v[j] as number) * (against[j] as number);
      for (let j = 0; j < dim; j++) v[j] = (v[j] as number) - d * (against[j] as number);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (x[i * dim + j] as number) * (v[j] as number);
      xv[i] = s;
    }
    const next = new Float64Array(dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) next[j] = (next[j] as number) + (x[i * dim + j] as number) * (xv[i] as number);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (next[j] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) break;
    variance = norm;
    v = next.map((t) => t / norm);
  }
  return { axis: v, variance };
}

/** PCA of (a strided sample of) the support vectors' features onto two axes. */
export function projectSupportVectors(sv: Sample, max = MAX_PROJECTED): SvProjection {
  const { dim } = sv;
  const n = Math.min(sv.count, max);
  const rows = Array.from({ length: n }, (_, i) => Math.floor((i * sv.count) / n));
  const x = new Float64Array(n * dim);
  const mean = new Float64Array(dim);
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) {
      const f = sv.features[r * dim + j] as number;
      x[i * dim + j] = f;
      mean[j] = (mean[j] as number) + f / n;
    }
  });
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) {
      const c = (x[i * dim + j] as number) - (mean[j] as number);
      x[i * dim + j] = c;
      total += c * c;
    }
  const first = principalAxis(x, n, dim, undefined);
  const second = principalAxis(x, n, dim, first.axis);
  const coord = (i: number, axis: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (x[i * dim + j] as number) * (axis[j] as number);
    return s;
  };
  const points = rows.map((r, i) => ({ row: sv.indices[r] as number, label: sv.labels[r] as number, x: coord(i, first.axis), y: coord(i, second.axis) }));
  return { points, explained: total === 0 ? [0, 0] : [first.variance / total, second.variance / total], total: sv.count };
}

const projections = new WeakMap<object, SvProjection>();

/** `projectSupportVectors`, once per support-vector cache. */
export function cachedProjection(sv: SupportVectorCache): SvProjection {
  let p = projections.get(sv);
  if (p === undefined) projections.set(sv, (p = projectSupportVectors(sv)));
  return p;
}
