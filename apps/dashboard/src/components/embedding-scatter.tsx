import type { ReactNode } from 'react';
import type { GlobalView } from '../lib/api-types.js';
import { className, formatPercent } from '../services/format.js';
import { formatRoute } from '../services/route.js';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const W = 640;
const H = 400;
const PAD = 12;

type Projection = NonNullable<GlobalView['projection']>;

/**
 * The support vectors on the first two principal components of the feature space, coloured by
 * label (computed by the server). A point opens its training page on click; its hover title names it.
 */
export function EmbeddingScatter({ projection, classNames }: { projection: Projection; classNames: readonly string[] }): ReactNode {
  const { points } = projection;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number): number => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  const colour = (label: number): string => PALETTE[label % PALETTE.length] ?? '#000';
  const sampled = points.length < projection.total ? `${points.length.toLocaleString()} of ${projection.total.toLocaleString()}` : points.length.toLocaleString();
  return (
    <figure className="embedding" data-testid="embedding">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Scatter plot of ${sampled} support vectors on the first two principal components of the feature space, coloured by label`}>
        <rect x={0} y={0} width={W} height={H} fill="#fff" stroke="#ddd" />
        {points.map((p) => (
          <circle key={p.row} cx={sx(p.x)} cy={sy(p.y)} r={3.2} fill={colour(p.label)} fillOpacity={0.75} className="pt" onClick={() => (window.location.hash = formatRoute({ view: 'train', row: p.row }))}>
            <title>{`training #${p.row} (${className(classNames, p.label)})`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        <ul className="embedding-legend">
          {classNames.map((n, m) => (
            <li key={m}>
              <span className="swatch" style={{ background: colour(m) }} aria-hidden="true" /> {n}
            </li>
          ))}
        </ul>
        <span className="muted">
          {sampled} support vectors; axes: principal components 1 and 2 ({formatPercent(projection.explained[0])} and {formatPercent(projection.explained[1])} of the variance). Click a point for its training page.
        </span>
      </figcaption>
    </figure>
  );
}
