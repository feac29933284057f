import type { ReactNode } from 'react';
import { Status } from '../components/status.js';
import type { Influenced, Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { className, formatScore } from '../services/format.js';
import { formatRoute } from '../services/route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Training example';

/** Any run with a training store. */
export function canRender(summary: Summary): boolean {
  return summary.train.rows > 0;
}

function InfluenceTable(props: { heading: string; rows: Influenced[]; names: string[]; testId: string }): ReactNode {
  return (
    <section data-testid={props.testId}>
      <h3>{props.heading}</h3>
      {props.rows.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="attr">
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.row}>
                <td className={r.score >= 0 ? 'pos' : 'neg'}>{formatScore(r.score)}</td>
                <td>{className(props.names, r.prediction)}</td>
                <td>
                  <a href={formatRoute({ view: 'test', row: r.row })}>{r.snippet === '' ? `test ${r.row}` : r.snippet}</a>
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
  const { data, error, loading } = useAsync(() => api.train(row, 10), [api, row]);
  const names = summary.classNames;
  return (
    <Status loading={loading} error={error}>
      {data === undefined ? null : (
        <section data-testid="train-view">
          <h2>
            {title} #{data.row} <small className="muted">id {data.id}</small>
          </h2>
          <p className="text">{data.text}</p>
          <p>
            label <strong>{className(names, data.label)}</strong>; {data.isSupportVector ? 'support vector' : 'not a support vector (attributes exactly 0 to every test example)'}; self-influence {formatScore(data.selfInfluence)}
          </p>
          <table className="logits">
            <tbody>
              {data.alpha.map((a, m) => (
                <tr key={m}>
                  <td>α[{names[m] ?? m}]</td>
                  <td>{formatScore(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.scanned < data.testRows ? <p className="muted">scanned the first {data.scanned.toLocaleString()} of {data.testRows.toLocaleString()} test examples</p> : null}
          <div className="two-col">
            <InfluenceTable heading="Test examples it supports most" rows={data.supports} names={names} testId="supports" />
            <InfluenceTable heading="Test examples it opposes most" rows={data.opposes} names={names} testId="opposes" />
          </div>
        </section>
      )}
    </Status>
  );
}
