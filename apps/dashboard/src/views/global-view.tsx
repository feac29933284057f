import type { ReactNode } from 'react';
import { CollapsePanel } from '../components/collapse-panel.js';
import { ConfusionMatrix } from '../components/confusion-matrix.js';
import { EmbeddingScatter } from '../components/embedding-scatter.js';
import { Status } from '../components/status.js';
import type { Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { candidateSetLine, labelNamesOf, predictorOf } from '../services/class-space.js';
import { className, formatPercent, formatScore } from '../services/format.js';
import { formatRoute } from '../services/route.js';
import type { ViewContext } from './view-context.js';

export const title = 'Overview';

/** Any run with a surrogate model. */
export function canRender(summary: Summary): boolean {
  return summary.train.rows > 0;
}

/** Collapse alarm, support vectors per class, faithfulness, C and mislabel candidates by self-influence. */
export function GlobalView({ api, summary }: ViewContext): ReactNode {
  const { data, error, loading } = useAsync(() => api.global(100), [api]);
  const heading = usePageHeading(title);
  const maxSv = Math.max(1, ...summary.model.svPerClass);
  const by = predictorOf(summary);
  const candidates = candidateSetLine(summary);
  return (
    <section data-testid="global-view">
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {candidates === null ? null : (
        <p className="banner info" data-testid="candidate-set">
          {candidates}
        </p>
      )}
      {by === 'surrogate' ? (
        <p className="banner info" data-testid="predicted-by-surrogate">
          The test store keeps no network logits (a token-head store: they would be rows × vocabulary), so every test example explains the surrogate&apos;s prediction, and accuracy and the confusion matrix are the surrogate&apos;s.
        </p>
      ) : null}
      <CollapsePanel report={summary.collapse} classNames={summary.classNames} />
      <dl className="facts">
        <dt>C</dt>
        <dd>{summary.model.C}</dd>
        <dt>support vectors</dt>
        <dd>
          {summary.model.supportVectors.toLocaleString()} of {summary.train.rows.toLocaleString()} ({formatPercent(summary.model.svFraction)})
        </dd>
        <dt>test accuracy ({by})</dt>
        <dd>{formatPercent(summary.test.accuracy)}</dd>
        {summary.faithfulness === null
          ? [<dt key="f">faithfulness (training rows)</dt>, <dd key="fv">not recorded for this run</dd>]
          : Object.entries(summary.faithfulness).flatMap(([k, v]) => [<dt key={k}>{k} (training rows)</dt>, <dd key={`${k}v`}>{formatScore(v)}</dd>])}
      </dl>
      {summary.testAgreement === null ? null : (
        <>
          <h3>Surrogate vs model on {summary.testAgreement.rows.toLocaleString()} test examples</h3>
          <dl className="facts" data-testid="test-agreement">
            <dt>logit cosine</dt>
            <dd>{formatScore(summary.testAgreement.logitCosine)}</dd>
            <dt>MCC of predictions</dt>
            <dd>{formatScore(summary.testAgreement.mcc)}</dd>
            <dt>Kendall τ of logits</dt>
            <dd>{formatScore(summary.testAgreement.kendallTau)}</dd>
            <dt>same prediction</dt>
            <dd>{formatPercent(summary.testAgreement.argmaxAgreement)}</dd>
          </dl>
        </>
      )}
      <h3>
        Confusion matrix of the {by} on {summary.test.rows.toLocaleString()} test examples
        {summary.candidateSet === undefined ? null : <small className="muted"> (rows whose gold label is outside the candidate set are left out)</small>}
      </h3>
      <Status loading={loading} error={error}>
        {data?.confusion === undefined ? <p className="muted">Not sent by this server.</p> : <ConfusionMatrix matrix={data.confusion} classNames={summary.classNames} />}
      </Status>
      <h3>Feature space: support vectors on two principal components</h3>
      <Status loading={loading} error={error}>
        {data?.projection === undefined || data.projection.points.length === 0 ? <p className="muted">Not sent by this server, or no support vectors.</p> : <EmbeddingScatter projection={data.projection} classNames={summary.classNames} />}
      </Status>
      <h3>Support vectors per class</h3>
      <table className="svs" data-testid="sv-per-class">
        <tbody>
          {summary.classNames.map((n, m) => (
            <tr key={m}>
              <td>{n}</td>
              <td>{summary.model.svPerClass[m] ?? 0}</td>
              <td className="bars">
                <div className="lbar model" style={{ width: `${((summary.model.svPerClass[m] ?? 0) / maxSv) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Mislabel candidates (highest self-influence ‖x‖²·α[i, yᵢ])</h3>
      <Status loading={loading} error={error}>
        <table className="attr" data-testid="mislabel-candidates">
          <tbody>
            {(data?.candidates ?? []).map((c) => (
              <tr key={c.row}>
                <td>{formatScore(c.selfInfluence)}</td>
                <td>{className(labelNamesOf(summary), c.label)}</td>
                <td>
                  <a href={formatRoute({ view: 'train', row: c.row })}>
                    {c.snippet === '' ? `row ${c.row}` : c.snippet}
                    {c.id === undefined ? null : <span className="row-id"> · {c.id}</span>}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Status>
    </section>
  );
}
