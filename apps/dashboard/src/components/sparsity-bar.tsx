import type { ReactNode } from 'react';
import { formatPercent } from '../services/format.js';

/** How much of the total |attribution| the shown top-k proponents and opponents hold. */
export function SparsityBar(props: { mass: number; k: number; nonzero: number; supportVectors: number; trainRows: number }): ReactNode {
  const pct = Math.max(0, Math.min(1, props.mass));
  return (
    <div className="sparsity" data-testid="sparsity-bar">
      <div className="bar" title={`top-${props.k} mass ${formatPercent(pct)}`}>
        <div className="fill" style={{ width: `${pct * 100}%` }} />
      </div>
      <small>
        top-{props.k} proponents + opponents hold <strong>{formatPercent(pct)}</strong> of |attribution|; {props.nonzero.toLocaleString()} non-zero of {props.trainRows.toLocaleString()} training rows ({props.supportVectors.toLocaleString()} support vectors)
      </small>
    </div>
  );
}
