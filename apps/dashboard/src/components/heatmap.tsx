import { useState, type ReactNode } from 'react';
import type { TokenHeatmap } from '../lib/api-types.js';
import { formatScore } from '../services/format.js';
import { divergingColor, maxAbs, textColorFor } from '../services/heatmap-colors.js';

/**
 * Tokens coloured red (positive relevance) / blue (negative); the value shows on hover. `scale`
 * (default: this map's max |relevance|) lets two maps share one colour scale.
 */
export function Heatmap(props: { heading: string; map: TokenHeatmap; testId: string; scale?: number }): ReactNode {
  const [hover, setHover] = useState<number | null>(null);
  const scale = props.scale ?? maxAbs(props.map.scores);
  return (
    <section className="heatmap" data-testid={props.testId}>
      <h3>{props.heading}</h3>
      <p className="tokens">
        {props.map.tokens.map((tok, i) => {
          const s = props.map.scores[i] ?? 0;
          return (
            <span key={i} className="tok" title={formatScore(s)} data-score={s} style={{ background: divergingColor(s, scale), color: textColorFor(s, scale) }} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)}>
              {tok}
            </span>
          );
        })}
      </p>
      <small className="muted" data-testid={`${props.testId}-hover`}>
        {hover === null ? `max |relevance| ${formatScore(maxAbs(props.map.scores))}` : `“${props.map.tokens[hover] ?? ''}”: ${formatScore(props.map.scores[hover] ?? 0)}`}
      </small>
    </section>
  );
}
