import type { ReactNode } from 'react';
import { Heatmap } from '../components/heatmap.js';
import { Status } from '../components/status.js';
import type { Summary, XdaResponse, XdaSideBudget } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { className, formatScore } from '../services/format.js';
import { divergingColor } from '../services/heatmap-colors.js';
import { formatRoute } from '../services/route.js';
import { absorbedParts, explainedCaption, formatShare, sharedScale } from '../services/xda-budget.js';
import type { ViewContext } from './view-context.js';

export const title = 'XDA heatmaps';

/** Only when the server can compute token relevance (a model checkpoint is configured). */
export function canRender(summary: Summary): boolean {
  return summary.xda.available;
}

/** One side's budget line: token sum and share, absorbed places, residual. */
function SideBudget({ side, budget, what, explained }: { side: string; budget: XdaSideBudget; what: string; explained: number }): ReactNode {
  const parts = absorbedParts(budget, explained);
  return (
    <li data-testid={`xda-budget-${side}`}>
      {side} tokens sum to <strong>{formatScore(budget.tokenSum)}</strong> ({formatShare(budget.share)} of the {what}); absorbed:{' '}
      {parts.length === 0 ? 'nothing' : parts.map((p) => `${p.label} ${formatScore(p.value)}`).join(', ')}; residual {budget.residual.toExponential(1)}
    </li>
  );
}

/** A small legend of the shared colour scale. */
function Legend({ scale }: { scale: number }): ReactNode {
  const stops = [-1, -0.5, 0, 0.5, 1].map((t) => divergingColor(t * scale, scale)).join(', ');
  return (
    <p className="muted" data-testid="xda-legend">
      <span style={{ display: 'inline-block', width: '8rem', height: '0.7rem', verticalAlign: 'middle', border: '1px solid #ccc', background: `linear-gradient(to right, ${stops})` }} />{' '}
      {formatScore(-scale)} (against) … 0 … {formatScore(scale)} (for); one scale for both texts, set by their words ([CLS] and [SEP] may go past it)
    </p>
  );
}

/** What the heatmaps split and where the rest went. */
function Budget({ data }: { data: XdaResponse }): ReactNode {
  const what = data.decomposes === 'kernel' ? 'kernel' : 'attribution';
  return (
    <section data-testid="xda-budget">
      <p className={data.supportVector ? '' : 'banner warn'} data-testid="xda-explained">{explainedCaption(data)}</p>
      <ul>
        <SideBudget side="test" budget={data.budget.test} what={what} explained={data.explained} />
        <SideBudget side="train" budget={data.budget.train} what={what} explained={data.explained} />
      </ul>
      <p className="muted">
        relevance mode <strong data-testid="xda-mode">{data.mode}</strong>
        {data.mode === 'per-position' ? ' (a token gets the relevance of its word + position + type embedding)' : ' (word embedding only, as LXT; position embeddings count as absorbed)'}; tokens + absorbed = {what} up to the residual.
      </p>
      {/* The caption above already says "not a support vector"; the other notes are budget warnings. */}
      {data.notes.filter((n) => !n.startsWith('not a support vector')).map((n, i) => (
        <p key={i} className="banner warn" data-testid="xda-note">
          {n}
        </p>
      ))}
    </section>
  );
}

/** Token heatmaps of a (test, train) pair for class `target`, both sides, with their budget. */
export function XdaView({ api, summary, test, train, target }: ViewContext & { test: number; train: number; target: number | undefined }): ReactNode {
  const { data, error, loading } = useAsync(() => api.xda(test, train, target), [api, test, train, target]);
  const scale = data === undefined ? 0 : sharedScale(data);
  return (
    <section data-testid="xda-view">
      <h2>{title}</h2>
      <p>
        <a href={formatRoute({ view: 'test', row: test, ...(data === undefined ? {} : { target: data.target }) })}>test #{test}</a> ↔ <a href={formatRoute({ view: 'train', row: train })}>training #{train}</a>
        {data === undefined ? null : (
          <span className="muted">
            {' '}
            — relevance for class <strong data-testid="xda-class">{className(summary.classNames, data.target)}</strong> ({data.method}, α = {formatScore(data.alpha)}, kernel {formatScore(data.kernel)}); red supports, blue opposes
          </span>
        )}
      </p>
      <Status loading={loading} error={error}>
        {data === undefined ? null : (
          <>
            <Budget data={data} />
            <Legend scale={scale} />
            <div className="two-col">
              <Heatmap heading={data.decomposes === 'kernel' ? 'Test example (kernel-only)' : 'Test example'} map={data.test} testId="heatmap-test" scale={scale} />
              <Heatmap heading={data.decomposes === 'kernel' ? 'Training example (kernel-only)' : 'Training example'} map={data.train} testId="heatmap-train" scale={scale} />
            </div>
          </>
        )}
      </Status>
    </section>
  );
}
