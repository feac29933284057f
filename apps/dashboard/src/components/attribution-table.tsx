import type { ReactNode } from 'react';
import type { Attributed } from '../lib/api-types.js';
import { className, formatScore } from '../services/format.js';
import { formatRoute } from '../services/route.js';

/**
 * Proponents or opponents of one test example for class `target`, linking to the training page and
 * to the XDA pair explained for that same class.
 */
export function AttributionTable(props: { heading: string; rows: Attributed[]; classNames: string[]; testRow: number; target: number; xda: boolean; testId: string }): ReactNode {
  return (
    <section data-testid={props.testId}>
      <h3>{props.heading}</h3>
      {props.rows.length === 0 ? (
        <p className="muted">none (no training row has this sign of attribution)</p>
      ) : (
        <table className="attr">
          <thead>
            <tr>
              <th>score</th>
              <th>label</th>
              <th>training text</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.row}>
                <td className={r.score >= 0 ? 'pos' : 'neg'}>{formatScore(r.score)}</td>
                <td>{className(props.classNames, r.label)}</td>
                <td>
                  <a href={formatRoute({ view: 'train', row: r.row })}>{r.snippet === '' ? `row ${r.row}` : r.snippet}</a>
                </td>
                <td>{props.xda ? <a className="xda-link" href={formatRoute({ view: 'xda', test: props.testRow, train: r.row, target: props.target })}>heatmap</a> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
