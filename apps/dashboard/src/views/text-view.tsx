import { useEffect, useState, type ReactNode } from 'react';
import { navigate } from '../app/hash-route.js';
import { AttributionTable } from '../components/attribution-table.js';
import { ExplainedClass } from '../components/explained-class.js';
import { Status } from '../components/status.js';
import type { Summary } from '../lib/api-types.js';
import { useAsync } from '../lib/use-async.js';
import { usePageHeading } from '../lib/use-page-heading.js';
import { className, columnFormatter } from '../services/format.js';
import { formatRoute, MAX_TEXT_CHARS, type Route } from '../services/route.js';
import type { ViewContext } from './view-context.js';
import { XdaPanel } from './xda-view.js';

export const title = 'Explain a text';

/** Needs the checkpoint (to embed the text) and support vectors (to rank training rows). */
export function canRender(summary: Summary): boolean {
  return summary.text.available && summary.model.supportVectors > 0;
}

const K = 10;
type TextRoute = Extract<Route, { view: 'text' }>;

/** The box: a text area whose text goes to the URL on submit (so the answer deep-links and reloads). */
function TextBox({ route }: { route: TextRoute }): ReactNode {
  const [draft, setDraft] = useState(route.text ?? '');
  useEffect(() => setDraft(route.text ?? ''), [route.text]);
  return (
    <form
      className="text-box"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.trim() !== '') navigate({ view: 'text', text: draft });
      }}
    >
      <label htmlFor="typed-text">Type or paste a text; the model embeds it and the surrogate ranks the training rows behind its prediction.</label>
      <textarea id="typed-text" rows={4} maxLength={MAX_TEXT_CHARS} value={draft} data-testid="text-input" onChange={(e) => setDraft(e.currentTarget.value)} />
      <p>
        <button type="submit" data-testid="text-submit" disabled={draft.trim() === ''}>
          Explain
        </button>{' '}
        <span className="muted">
          {draft.length.toLocaleString('en-US')} / {MAX_TEXT_CHARS.toLocaleString('en-US')} characters
        </span>
      </p>
    </form>
  );
}

/**
 * The custom-text box: explains a typed text like a test row (prediction, logits, proponents and
 * opponents) and shows the XDA heatmaps of one pair live, the top proponent by default; a table's
 * "heatmap" link picks another. Text, class, pair and heatmap display live in the URL.
 */
export function TextView({ api, summary, route }: ViewContext & { route: TextRoute }): ReactNode {
  const heading = usePageHeading(title);
  const text = route.text;
  const { data, error, loading, reload } = useAsync(() => (text === undefined ? Promise.resolve(undefined) : api.text(text, K, route.target)), [api, text, route.target]);
  const names = summary.classNames;
  const format = data === undefined ? undefined : columnFormatter([...data.proponents, ...data.opponents].map((r) => r.score));
  const pair = route.pair ?? data?.proponents[0]?.row;
  const here = (patch: Partial<TextRoute>): TextRoute => ({ ...route, ...patch });
  return (
    <section data-testid="text-view">
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <TextBox route={route} />
      {text === undefined ? null : (
        <Status loading={loading} error={error} onRetry={reload}>
          {data === undefined ? null : (
            <div data-testid="text-result">
              {data.truncated ? (
                <p className="banner warn" data-testid="text-truncated">
                  The model saw only the beginning of this text (its maximum length); the rest is not explained.
                </p>
              ) : null}
              <p>
                model predicts <strong data-testid="text-prediction">{className(names, data.prediction)}</strong>
              </p>
              <ExplainedClass names={names} data={data} classHref={(m) => formatRoute(here({ target: m, pair: undefined }))} />
              <div className="two-col">
                {(['proponents', 'opponents'] as const).map((side) => (
                  <AttributionTable
                    key={side}
                    heading={`${side === 'proponents' ? 'Proponents' : 'Opponents'} (top ${K})`}
                    rows={data[side]}
                    classNames={names}
                    pairRoute={(train) => here({ target: data.target, pair: train })}
                    xda={summary.xda.available}
                    testId={`text-${side}`}
                    format={format}
                  />
                ))}
              </div>
              {pair === undefined || !summary.xda.available ? null : (
                <section data-testid="text-xda" aria-label="heatmaps of your text and one training row">
                  <h3>
                    Heatmaps: your text ↔ <a href={formatRoute({ view: 'train', row: pair })}>training #{pair}</a>
                  </h3>
                  <XdaPanel api={api} summary={summary} test={{ text }} testText={text} train={pair} target={data.target} display={route} onDisplay={(d) => navigate({ ...here({ target: data.target, pair }), tokens: d.tokens, own: d.own }, { replace: true })} />
                </section>
              )}
            </div>
          )}
        </Status>
      )}
    </section>
  );
}
