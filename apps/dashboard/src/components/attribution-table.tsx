import type { ReactNode } from 'react';
import type { Attributed } from '../lib/api-types.js';
import { className, columnFormatter } from '../services/format.js';
import { formatRoute, type Route } from '../services/route.js';

/**
 * Proponents or opponents of one test example (or typed text), linking to the training page and to
 * the XDA pair explained for the same class (`pairRoute`). Fixed column widths and wrapping text keep any
 * snippet (long `=====` runs, raw mail headers) inside its column. `format` is shared by both
 * tables of a page so equal numbers read equal. `showIds` adds each row's id (token rows).
 */
export function AttributionTable(props: { heading: string; rows: Attributed[]; classNames: string[]; pairRoute: (trainRow: number) => Route; xda: boolean; testId: string; format?: (x: number) => string; showIds?: boolean }): ReactNode {
  const format = props.format ?? columnFormatter(props.rows.map((r) => r.score));
  return (
    <section data-testid={props.testId} className="attr-section">
      <h3>{props.heading}</h3>
      {props.rows.length === 0 ? (
        <p className="muted">none (no training row has this sign of attribution)</p>
      ) : (
        <table className="attr">
          <colgroup>
            <col className="c-score" />
            <col className="c-label" />
            <col className="c-text" />
            {props.xda ? <col className="c-link" /> : null}
          </colgroup>
          <thead>
            <tr>
              <th scope="col">score</th>
              <th scope="col">label</th>
              <th scope="col">training text</th>
              {props.xda ? (
                <th scope="col">
                  <span className="sr-only">heatmap</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.row}>
                <td className={`num ${r.score >= 0 ? 'pos' : 'neg'}`}>{format(r.score)}</td>
                <td>{className(props.classNames, r.label)}</td>
                <td className="wrap">
                  <a className="snippet-link" href={formatRoute({ view: 'train', row: r.row })}>
                    {r.snippet === '' ? `row ${r.row}` : r.snippet}
                    {/* Token rows: the snippet is one token; the id (textId#position) says whose. Inside the link: text beside a link needs more than colour to tell them apart. */}
                    {props.showIds === true ? <span className="row-id"> · {r.id}</span> : null}
                  </a>
                </td>
                {props.xda ? (
                  <td>
                    <a className="xda-link" href={formatRoute(props.pairRoute(r.row))} aria-label={`heatmap of training row ${r.row}`}>
                      heatmap
                    </a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
