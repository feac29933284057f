import type { ReactNode } from 'react';
import { columnFormatter, formatScore } from '../services/format.js';

/**
 * Model vs surrogate logits per class, as paired horizontal bars around a zero line. Both series
 * share one scale (the largest |logit|) so a longer bar is a larger logit, whichever series it is;
 * the legend names the series and the scale.
 */
export function LogitsChart(props: { classNames: string[]; model: number[]; surrogate: number[]; highlight: number }): ReactNode {
  // No network logits (a token-head test store keeps none): the model column says so instead of showing NaN.
  const noModel = props.model.length === 0;
  const scale = Math.max(1e-12, ...props.model.map(Math.abs), ...props.surrogate.map(Math.abs));
  const fmt = columnFormatter([...props.model, ...props.surrogate]);
  const bar = (v: number, kind: string): ReactNode => (
    <div className={`lbar ${kind}`} title={`${kind} ${fmt(v)}`} style={{ width: `${(Math.abs(v) / scale) * 50}%`, marginLeft: v >= 0 ? '50%' : `${50 - (Math.abs(v) / scale) * 50}%` }} />
  );
  return (
    <figure className="logits-figure">
      <table className="logits" data-testid="logits">
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col" className="num">model</th>
            <th scope="col" className="num">surrogate</th>
            <th scope="col">
              <span className="sr-only">bars</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.classNames.map((name, m) => (
            <tr key={m} className={m === props.highlight ? 'hl' : ''}>
              <td className="wrap">{name}</td>
              <td className="num">{noModel ? '–' : fmt(props.model[m] ?? NaN)}</td>
              <td className="num">{fmt(props.surrogate[m] ?? NaN)}</td>
              <td className="bars">
                {bar(props.model[m] ?? 0, 'model')}
                {bar(props.surrogate[m] ?? 0, 'surrogate')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="legend muted" data-testid="logits-legend">
        <span className="swatch model" aria-hidden="true" /> model (the network{noModel ? ': its logits are not stored for this row' : ''}) <span className="swatch surrogate" aria-hidden="true" /> surrogate (DualDA); bars from the centre line, one scale for both: full half-width = |logit| {formatScore(scale)}
        {props.highlight >= 0 ? '; highlighted row = explained class' : ''}
      </figcaption>
    </figure>
  );
}
