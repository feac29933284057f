import type { ReactNode } from 'react';
import type { TokenContext as Context } from '../lib/api-types.js';
import { contextWindow } from '../services/class-space.js';

/**
 * A token row's place in its text (token-head stores, ids `textId#position`): the tokens before and
 * a few after, the row's own token marked (with a causal LM the row's label is the token after it).
 */
export function TokenContext({ context }: { context: Context }): ReactNode {
  const w = contextWindow(context);
  return (
    <p className="text token-context" data-testid="token-context">
      <span className="muted">token {context.position} of its text: </span>
      {w.lead ? <span className="muted">… </span> : null}
      {w.tokens.map((t, i) => (
        <span key={i} className={`tok${t.at ? ' at' : ''}`} {...(t.at ? { 'data-testid': 'token-at' } : {})}>
          {t.text}{' '}
        </span>
      ))}
    </p>
  );
}
