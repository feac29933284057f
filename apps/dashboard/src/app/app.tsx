import { useMemo, type ReactNode } from 'react';
import { ErrorNote, Status } from '../components/status.js';
import { useAsync } from '../lib/use-async.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { createApiClient, type ApiClient } from '../services/api-client.js';
import { formatPercent } from '../services/format.js';
import { formatRoute, type Route } from '../services/route.js';
import * as globalView from '../views/global-view.js';
import * as testList from '../views/test-list-view.js';
import * as testView from '../views/test-view.js';
import * as textView from '../views/text-view.js';
import * as trainList from '../views/train-list-view.js';
import * as trainView from '../views/train-view.js';
import * as xdaView from '../views/xda-view.js';
import type { ViewContext } from '../views/view-context.js';
import { useHashRoute } from './hash-route.js';

/** The page for a hash the app does not know. */
function NotFound({ path }: { path: string }): ReactNode {
  const heading = usePageHeading('Page not found');
  return (
    <section data-testid="not-found">
      <h2 ref={heading} tabIndex={-1}>
        Page not found
      </h2>
      <p>
        There is no page at <code className="wrap">{path}</code>. Go to the <a href={formatRoute({ view: 'tests' })}>{testList.title.toLowerCase()}</a> or the{' '}
        <a href={formatRoute({ view: 'global' })}>{globalView.title.toLowerCase()} view</a>.
      </p>
    </section>
  );
}

/** Renders the page for `route`, or says why the run cannot show it. */
function Page({ route, ctx }: { route: Route; ctx: ViewContext }): ReactNode {
  const unavailable = (title: string, why: string): ReactNode => (
    <p className="error" role="alert">
      {title} is not available for this run: {why}
    </p>
  );
  switch (route.view) {
    case 'tests':
      return testList.canRender(ctx.summary) ? <testList.TestListView {...ctx} route={route} /> : unavailable(testList.title, 'the test store is empty');
    case 'test':
      return testView.canRender(ctx.summary) ? <testView.TestView {...ctx} row={route.row} target={route.target} /> : unavailable(testView.title, 'the model has no support vectors');
    case 'train-list':
      return trainList.canRender(ctx.summary) ? <trainList.TrainListView {...ctx} route={route} /> : unavailable(trainList.title, 'the training store is empty');
    case 'train':
      return trainView.canRender(ctx.summary) ? <trainView.TrainView {...ctx} row={route.row} /> : unavailable(trainView.title, 'the training store is empty');
    case 'xda':
      return xdaView.canRender(ctx.summary) ? <xdaView.XdaView {...ctx} route={route} /> : unavailable(xdaView.title, ctx.summary.xda.reason ?? 'no model');
    case 'text':
      return textView.canRender(ctx.summary) ? <textView.TextView {...ctx} route={route} /> : unavailable(textView.title, ctx.summary.text.reason ?? 'the model has no support vectors');
    case 'global':
      return globalView.canRender(ctx.summary) ? <globalView.GlobalView {...ctx} /> : unavailable(globalView.title, 'the training store is empty');
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

/**
 * The shell: header with run facts, navigation, the page. The navigation does not depend on
 * `/api/summary`: when that fails the links stay and the error offers a retry.
 */
export function App(props: { api?: ApiClient }): ReactNode {
  const api = useMemo(() => props.api ?? createApiClient('', (url, init) => fetch(url, init)), [props.api]);
  const summary = useAsync(() => api.summary(), [api]);
  const route = useHashRoute();
  const s = summary.data;
  const showList = s === undefined || testList.canRender(s);
  const showGlobal = s === undefined || globalView.canRender(s);
  const showTrain = s === undefined || trainList.canRender(s);
  const showText = s !== undefined && textView.canRender(s);
  return (
    <div className="app">
      <header>
        <h1>
          <a href={formatRoute({ view: 'tests' })}>dualxda</a>
        </h1>
        <nav aria-label="views">
          {showList ? (
            <a href={formatRoute({ view: 'tests' })} className={route.view === 'tests' ? 'on' : ''} aria-current={route.view === 'tests' ? 'page' : undefined} data-testid="nav-tests">
              {testList.title}
            </a>
          ) : null}
          {showTrain ? (
            <a href={formatRoute({ view: 'train-list' })} className={route.view === 'train-list' ? 'on' : ''} aria-current={route.view === 'train-list' ? 'page' : undefined} data-testid="nav-train">
              {trainList.title}
            </a>
          ) : null}
          {showText ? (
            <a href={formatRoute({ view: 'text' })} className={route.view === 'text' ? 'on' : ''} aria-current={route.view === 'text' ? 'page' : undefined} data-testid="nav-text">
              {textView.title}
            </a>
          ) : null}
          {showGlobal ? (
            <a href={formatRoute({ view: 'global' })} className={route.view === 'global' ? 'on' : ''} aria-current={route.view === 'global' ? 'page' : undefined} data-testid="nav-global">
              {globalView.title}
            </a>
          ) : null}
        </nav>
        {s === undefined ? null : (
          <small className="muted run-facts">
            {s.train.rows.toLocaleString()} training rows · {s.model.supportVectors.toLocaleString()} support vectors · C = {s.model.C} · test accuracy{s.predictedBy === 'surrogate' ? ' (surrogate)' : ''} {formatPercent(s.test.accuracy)}
          </small>
        )}
      </header>
      <main>
        {route.view === 'not-found' ? (
          <NotFound path={route.path} />
        ) : summary.error !== undefined ? (
          <ErrorNote message={`Could not load the run summary: ${summary.error}`} onRetry={summary.reload} />
        ) : (
          <Status loading={summary.loading}>{s === undefined ? null : <Page route={route} ctx={{ api, summary: s }} />}</Status>
        )}
      </main>
    </div>
  );
}
