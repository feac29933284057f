import type { ReactNode } from 'react';
import { Status } from '../components/status.js';
import { TokenContext } from '../components/token-context.js';
import type { Influenced, Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { isOutsideLabel, labelNamesOf } from '../services/class-space.js';
import { className, columnFormatter, formatSigned } from '../services/format.js';
import { formatRoute } from '../services/route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Training example';

/** Any run with a training store. */
export function canRender(summary: Summary): boolean {
  return summary.train.rows > 0;
}

function InfluenceTable(props: { heading: string; rows: Influenced[]; names: string[]; testId: string; format: (x: number) => string }): ReactNode {
  return (
    <section data-testid={props.testId}>
      <h3>{props.heading}</h3>
      {props.rows.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="attr">
          <colgroup>
            <col className="c-score" />
            <col className="c-label" />
            <col className="c-text" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">score</th>
              <th scope="col">predicted</th>
              <th scope="col">test text</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.row}>
                <td className={`num ${r.score >= 0 ? 'pos' : 'neg'}`}>{props.format(r.score)}</td>
                <td>{className(props.names, r.prediction)}</td>
                <td className="wrap">
                  <a className="snippet-link" href={formatRoute({ view: 'test', row: r.row })}>
                    {r.snippet === '' ? `test ${r.row}` : r.snippet}
                    {r.id === undefined ? null : <span className="row-id"> · {r.id}</span>}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One training example: alpha row, self-influence and the test examples it moves most. */
export function TrainView({ api, summary, row }: ViewContext & { row: number }): ReactNode {
  const { data, error, loading, reload } = useAsync(() => api.train(row, 10), [api, row]);
  const heading = usePageHeading(`${title} #${row}`, data !== undefined);
  const names = summary.classNames;
  const format = data === undefined ? formatSigned : columnFormatter([...data.supports, ...data.opposes].map((r) => r.score));
  const alphaFormat = data === undefined ? formatSigned : columnFormatter(data.alpha);
  return (
    <>
      <nav className="pager" aria-label="training examples">
        {row > 0 ? (
          <a href={formatRoute({ view: 'train', row: row - 1 })} data-testid="prev-train" rel="prev">
            ← training #{row - 1}
          </a>
        ) : (
          <span />
        )}
        {row < summary.train.rows - 1 ? (
          <a href={formatRoute({ view: 'train', row: row + 1 })} data-testid="next-train" rel="next">
            training #{row + 1} →
          </a>
        ) : null}
      </nav>
      <Status loading={loading} error={error} onRetry={reload}>
      {data === undefined ? null : (
        <section data-testid="train-view">
          <h2 ref={heading} tabIndex={-1}>
            {title} #{data.row} <small className="muted">id {data.id}</small>
          </h2>
          {data.context === undefined ? <p className="text">{data.text}</p> : <TokenContext context={data.context} />}
          <p>
            label <strong data-testid="train-label">{className(labelNamesOf(summary), data.label)}</strong>;{' '}
            {isOutsideLabel(summary, data.label)
              ? <span data-testid="outside-candidates">outside the candidate set, so left out of the fit (attributes exactly 0 to every test example)</span>
              : data.isSupportVector ? 'support vector' : 'not a support vector (attributes exactly 0 to every test example)'}
            ; self-influence {formatSigned(data.selfInfluence)}
          </p>
          <table className="logits">
            <tbody>
              {data.alpha.map((a, m) => (
                <tr key={m}>
                  <td>α[{names[m] ?? m}]</td>
                  <td className="num">{alphaFormat(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {/* A row that is not a support vector scans nothing: it influences no test example. */}
          {data.isSupportVector && data.scanned < data.testRows ? <p className="muted">scanned the first {data.scanned.toLocaleString()} of {data.testRows.toLocaleString()} test examples</p> : null}
          <div className="two-col">
            <InfluenceTable heading="Test examples it supports most" rows={data.supports} names={names} testId="supports" format={format} />
            <InfluenceTable heading="Test examples it opposes most" rows={data.opposes} names={names} testId="opposes" format={format} />
          </div>
        </section>
      )}
      </Status>
    </>
  );
}
