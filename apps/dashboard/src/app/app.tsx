import { useMemo, type ReactNode } from 'react';
import { Status } from '../components/status.js';
import { useAsync } from '../lib/use-async.js';
import { createApiClient, type ApiClient } from '../services/api-client.js';
import { formatPercent } from '../services/format.js';
import { formatRoute, type Route } from '../services/route.js';
import * as globalView from '../views/global-view.js';
import * as testList from '../views/test-list-view.js';
import * as testView from '../views/test-view.js';
import * as trainView from '../views/train-view.js';
import * as xdaView from '../views/xda-view.js';
import type { ViewContext } from '../views/view-context.js';
import { useHashRoute } from './hash-route.js';

/** Renders the page for `route`, or says why the run cannot show it. */
function Page({ route, ctx }: { route: Route; ctx: ViewContext }): ReactNode {
  const unavailable = (title: string, why: string): ReactNode => (
    <p className="error" role="alert">
      {title} is not available for this run: {why}
    </p>
  );
  switch (route.view) {
    case 'tests':
      return testList.canRender(ctx.summary) ? <testList.TestListView {...ctx} /> : unavailable(testList.title, 'the test store is empty');
    case 'test':
      return testView.canRender(ctx.summary) ? <testView.TestView {...ctx} row={route.row} target={route.target} /> : unavailable(testView.title, 'the model has no support vectors');
    case 'train':
      return trainView.canRender(ctx.summary) ? <trainView.TrainView {...ctx} row={route.row} /> : unavailable(trainView.title, 'the training store is empty');
    case 'xda':
      return xdaView.canRender(ctx.summary) ? <xdaView.XdaView {...ctx} test={route.test} train={route.train} target={route.target} /> : unavailable(xdaView.title, ctx.summary.xda.reason ?? 'no model');
    case 'global':
      return globalView.canRender(ctx.summary) ? <globalView.GlobalView {...ctx} /> : unavailable(globalView.title, 'the training store is empty');
  }
}

/** The shell: header with run facts, navigation among the views this run can render, the page. */
export function App(props: { api?: ApiClient }): ReactNode {
  const api = useMemo(() => props.api ?? createApiClient('', (url, init) => fetch(url, init)), [props.api]);
  const summary = useAsync(() => api.summary(), [api]);
  const route = useHashRoute();
  const s = summary.data;
  return (
    <div className="app">
      <header>
        <h1>
          <a href={formatRoute({ view: 'tests' })}>dualxda</a>
        </h1>
        <nav>
          {s !== undefined && testList.canRender(s) ? <a href={formatRoute({ view: 'tests' })} className={route.view === 'tests' ? 'on' : ''}>{testList.title}</a> : null}
          {s !== undefined && globalView.canRender(s) ? <a href={formatRoute({ view: 'global' })} className={route.view === 'global' ? 'on' : ''} data-testid="nav-global">{globalView.title}</a> : null}
        </nav>
        {s === undefined ? null : (
          <small className="muted">
            {s.train.rows.toLocaleString()} training rows · {s.model.supportVectors.toLocaleString()} support vectors · C = {s.model.C} · test accuracy {formatPercent(s.test.accuracy)}
          </small>
        )}
      </header>
      <main>
        <Status loading={summary.loading} error={summary.error}>
          {s === undefined ? null : <Page route={route} ctx={{ api, summary: s }} />}
        </Status>
      </main>
    </div>
  );
}
