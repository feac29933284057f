import type { ReactNode } from 'react';
import { formatScore } from '../services/format.js';

/** Model vs surrogate logits per class, as paired horizontal bars scaled to the largest |logit|. */
export function LogitsChart(props: { classNames: string[]; model: number[]; surrogate: number[]; highlight: number }): ReactNode {
  const scale = Math.max(1e-12, ...props.model.map(Math.abs), ...props.surrogate.map(Math.abs));
  const bar = (v: number, kind: string): ReactNode => (
    <div className={`lbar ${kind}`} title={formatScore(v)} style={{ width: `${(Math.abs(v) / scale) * 50}%`, marginLeft: v >= 0 ? '50%' : `${50 - (Math.abs(v) / scale) * 50}%` }} />
  );
  return (
    <table className="logits" data-testid="logits">
      <thead>
        <tr>
          <th>class</th>
          <th>model</th>
          <th>surrogate</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.classNames.map((name, m) => (
          <tr key={m} className={m === props.highlight ? 'hl' : ''}>
            <td>{name}</td>
            <td>{formatScore(props.model[m] ?? NaN)}</td>
            <td>{formatScore(props.surrogate[m] ?? NaN)}</td>
            <td className="bars">
              {bar(props.model[m] ?? 0, 'model')}
              {bar(props.surrogate[m] ?? 0, 'surrogate')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
