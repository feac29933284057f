import type { ReactNode } from 'react';
import { AttributionTable } from '../components/attribution-table.js';
import { ExplainedClass } from '../components/explained-class.js';
import { Status } from '../components/status.js';
import { TokenContext } from '../components/token-context.js';
import type { Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { isOutsideLabel, labelNamesOf, predictorOf } from '../services/class-space.js';
import { className, columnFormatter } from '../services/format.js';
import { formatRoute, type Route } from '../services/route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Test example';

/** Needs a surrogate with support vectors. */
export function canRender(summary: Summary): boolean {
  return summary.model.supportVectors > 0;
}

const K = 10;

/** Prediction, logits, top-k proponents/opponents and the sparsity bar of one test example. */
export function TestView({ api, summary, row, target }: ViewContext & { row: number; target: number | undefined }): ReactNode {
  const { data, error, loading, reload } = useAsync(() => api.test(row, K, target), [api, row, target]);
  const heading = usePageHeading(`${title} #${row}`, data !== undefined);
  const names = summary.classNames;
  const labels = labelNamesOf(summary);
  const tokenRows = summary.train.head === 'token';
  const last = summary.test.rows - 1;
  const pairRoute = (train: number): Route => ({ view: 'xda', test: row, train, ...(data === undefined ? {} : { target: data.target }) });
  const format = data === undefined ? undefined : columnFormatter([...data.proponents, ...data.opponents].map((r) => r.score));
  return (
    <>
      <nav className="pager" aria-label="test examples">
        {row > 0 ? (
          <a href={formatRoute({ view: 'test', row: row - 1, ...(target === undefined ? {} : { target }) })} data-testid="prev-test" rel="prev">
            ← test #{row - 1}
          </a>
        ) : (
          <span />
        )}
        {row < last ? (
          <a href={formatRoute({ view: 'test', row: row + 1, ...(target === undefined ? {} : { target }) })} data-testid="next-test" rel="next">
            test #{row + 1} →
          </a>
        ) : null}
      </nav>
      <Status loading={loading} error={error} onRetry={reload}>
      {data === undefined ? null : (
        <section data-testid="test-view">
          <h2 ref={heading} tabIndex={-1}>
            {title} #{data.row} <small className="muted">id {data.id}</small>
          </h2>
          {data.context === undefined ? <p className="text" data-testid="test-text">{data.text}</p> : <TokenContext context={data.context} />}
          <p>
            {predictorOf(summary)} predicts <strong data-testid="prediction">{className(names, data.prediction)}</strong>, true label <strong data-testid="true-label">{className(labels, data.label)}</strong>
            {data.prediction !== data.label ? <span className="pill bad">misclassified</span> : null}
            {isOutsideLabel(summary, data.label) ? <span className="pill" data-testid="outside-candidates" title="the model was fitted on a candidate set of classes that does not contain this label">outside the candidate set</span> : null}
          </p>
          <ExplainedClass names={names} data={data} classHref={(m) => formatRoute({ view: 'test', row, target: m })} />
          <div className="two-col">
            <AttributionTable heading={`Proponents (top ${K})`} rows={data.proponents} classNames={labels} pairRoute={pairRoute} xda={summary.xda.available} testId="proponents" format={format} showIds={tokenRows} />
            <AttributionTable heading={`Opponents (top ${K})`} rows={data.opponents} classNames={labels} pairRoute={pairRoute} xda={summary.xda.available} testId="opponents" format={format} showIds={tokenRows} />
          </div>
        </section>
      )}
      </Status>
    </>
  );
}
