import { useMemo, type ReactNode } from 'react';
import { navigate } from '../app/hash-route.js';
import { ColorBar, Heatmap } from '../components/heatmap.js';
import { Status } from '../components/status.js';
import type { Summary, XdaResponse, XdaSideBudget } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { useXdaPair } from '../lib/use-xda-pair.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { className, formatScore } from '../services/format.js';
import { truncationNote } from '../services/heatmap-summary.js';
import { formatRoute, type Route, type XdaDisplay } from '../services/route.js';
import { mergeWordpieces, tokenUnits } from '../services/wordpiece-merge.js';
import { progressText } from '../services/xda-poll.js';
import { absorbedParts, explainedCaption, formatShare, sharedScale, sideScale } from '../services/xda-budget.js';
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

/** How the heatmaps show a pair: words or wordpieces, one colour scale or one per side. */
function Controls(props: { words: boolean; shared: boolean; setWords: (v: boolean) => void; setShared: (v: boolean) => void }): ReactNode {
  return (
    <fieldset className="xda-controls">
      <legend>Display</legend>
      <label>
        <input type="checkbox" data-testid="xda-words" checked={props.words} onChange={(e) => props.setWords(e.target.checked)} /> merge wordpieces into words
      </label>
      <label>
        <input type="checkbox" data-testid="xda-shared-scale" checked={props.shared} onChange={(e) => props.setShared(e.target.checked)} /> one colour scale for both texts
      </label>
    </fieldset>
  );
}

const SHARED_CAPTION = 'one scale for both texts, so equal colours mean equal relevance; set by their words ([CLS] and [SEP] may go past it)';

/** The test side of a pair: a test row or a typed text. */
export type PairTest = { row: number } | { text: string };

/**
 * Budget, display controls and both heatmaps of a pair, loaded off the request path (the page polls
 * while the server queues it). `display` (words/tokens, shared/own scale) lives in the URL; the
 * controls report changes through `onDisplay`.
 */
export function XdaPanel(props: ViewContext & { test: PairTest; train: number; target: number | undefined; display: XdaDisplay; onDisplay: (d: XdaDisplay) => void; testText?: string }): ReactNode {
  const { api, test, train, target, display } = props;
  const { data, error, loading, progress, reload } = useXdaPair(api, 'row' in test ? test.row : test, train, target);
  const testKey = 'row' in test ? test.row : test.text;
  // The texts, to tell whether the model saw all of them (only for the truncation markers).
  const texts = useAsync(
    () => Promise.all([props.testText !== undefined ? props.testText : 'row' in test ? api.test(test.row, 1, target).then((t) => t.text) : test.text, api.train(train, 1).then((r) => r.text)]).then(([t, r]) => ({ test: t, train: r })),
    [api, testKey, train, target, props.testText],
  );
  const words = display.tokens !== true;
  const shared = display.own !== true;
  const units = useMemo(() => {
    if (data === undefined) return undefined;
    const view = words ? mergeWordpieces : tokenUnits;
    return { test: view(data.test.tokens, data.test.scores), train: view(data.train.tokens, data.train.scores) };
  }, [data, words]);
  const asMap = (u: readonly { text: string; score: number }[]) => ({ tokens: u.map((x) => x.text), scores: u.map((x) => x.score) });
  const scales = units === undefined ? undefined : shared ? { test: sharedScale({ test: asMap(units.test), train: asMap(units.train) }) } : { test: sideScale(asMap(units.test)), train: sideScale(asMap(units.train)) };
  const unit = words ? 'word' : 'token';
  const setDisplay = (patch: { words?: boolean; shared?: boolean }): void => {
    const w = patch.words ?? words;
    const sh = patch.shared ?? shared;
    props.onDisplay({ ...(w ? {} : { tokens: true }), ...(sh ? {} : { own: true }) });
  };
  return (
    <>
      {data === undefined ? null : (
        <p className="muted" data-testid="xda-caption">
          relevance for class <strong data-testid="xda-class">{className(props.summary.classNames, data.target)}</strong> ({data.method}, α = {formatScore(data.alpha)}, kernel {formatScore(data.kernel)}); red supports, blue opposes
        </p>
      )}
      {data?.tokenRows === undefined ? null : (
        <p className="muted" data-testid="xda-token-rows">
          token rows <strong>{data.tokenRows.test.id}</strong> and <strong>{data.tokenRows.train.id}</strong>: each heatmap is the row&apos;s whole text, its own token outlined (a causal LM gives the tokens after it no relevance)
        </p>
      )}
      {loading && progress !== undefined ? (
        <p className="muted loading" role="status" aria-live="polite" data-testid="xda-progress">
          {progressText(progress)}
        </p>
      ) : null}
      <Status loading={loading && progress === undefined} error={error} onRetry={reload}>
        {data === undefined || units === undefined || scales === undefined ? null : (
          <>
            <Budget data={data} />
            <Controls words={words} shared={shared} setWords={(v) => setDisplay({ words: v })} setShared={(v) => setDisplay({ shared: v })} />
            {shared ? <ColorBar scale={scales.test} caption={SHARED_CAPTION} testId="xda-legend" /> : null}
            <div className="two-col">
              {(['test', 'train'] as const).map((side) => (
                <div key={side}>
                  {shared ? null : <ColorBar scale={scales[side] ?? scales.test} caption={`this text's own scale: colours do not compare with the other text's`} testId={`xda-legend-${side}`} />}
                  <Heatmap
                    heading={`${side === 'test' ? ('row' in test ? 'Test example' : 'Your text') : 'Training example'}${data.decomposes === 'kernel' ? ' (kernel-only)' : ''}`}
                    units={units[side]}
                    testId={`heatmap-${side}`}
                    scale={scales[side] ?? scales.test}
                    unit={unit}
                    note={truncationNote(data[side].tokens, texts.data?.[side])}
                    at={data.tokenRows?.[side].position}
                  />
                </div>
              ))}
            </div>
          </>
        )}
      </Status>
    </>
  );
}

/** Token heatmaps of a (test, train) pair for class `target`, both sides, with their budget. */
export function XdaView(props: ViewContext & { route: Extract<Route, { view: 'xda' }> }): ReactNode {
  const { test, train, target } = props.route;
  const heading = usePageHeading(`Heatmaps: test #${test} ↔ training #${train}`);
  return (
    <section data-testid="xda-view">
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p>
        <a href={formatRoute({ view: 'test', row: test, ...(target === undefined ? {} : { target }) })}>test #{test}</a> ↔ <a href={formatRoute({ view: 'train', row: train })}>training #{train}</a>
      </p>
      <XdaPanel {...props} test={{ row: test }} train={train} target={target} display={props.route} onDisplay={(d) => navigate({ view: 'xda', test, train, ...(target === undefined ? {} : { target }), ...d }, { replace: true })} />
    </section>
  );
}
