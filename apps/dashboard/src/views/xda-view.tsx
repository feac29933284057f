import type { ReactNode } from 'react';
import { Heatmap } from '../components/heatmap.js';
import { Status } from '../components/status.js';
import type { Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { className, formatScore } from '../services/format.js';
import { formatRoute } from '../services/route.js';
import type { ViewContext } from './view-context.js';

export const title = 'XDA heatmaps';

/** Only when the server can compute token relevance (a model checkpoint is configured). */
export function canRender(summary: Summary): boolean {
  return summary.xda.available;
}

/** Token heatmaps of a (test, train) pair, both sides. */
export function XdaView({ api, summary, test, train }: ViewContext & { test: number; train: number }): ReactNode {
  const { data, error, loading } = useAsync(() => api.xda(test, train), [api, test, train]);
  return (
    <section data-testid="xda-view">
      <h2>{title}</h2>
      <p>
        <a href={formatRoute({ view: 'test', row: test })}>test #{test}</a> ↔ <a href={formatRoute({ view: 'train', row: train })}>training #{train}</a>
        {data === undefined ? null : (
          <span className="muted">
            {' '}
            — relevance for class {className(summary.classNames, data.target)} ({data.method}, α = {formatScore(data.alpha)}); red supports, blue opposes
          </span>
        )}
      </p>
      <Status loading={loading} error={error}>
        {data === undefined ? null : (
          <div className="two-col">
            <Heatmap heading="Test example" map={data.test} testId="heatmap-test" />
            <Heatmap heading="Training example" map={data.train} testId="heatmap-train" />
          </div>
        )}
      </Status>
    </section>
  );
}
