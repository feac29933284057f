import { useSyncExternalStore } from 'react';
import { formatRoute, parseRoute, type Route } from '../services/route.js';

/** Fired after `navigate` rewrites the hash through the History API (which fires no `hashchange`). */
const NAVIGATE_EVENT = 'dualxda:navigate';

const subscribe = (cb: () => void): (() => void) => {
  window.addEventListener('hashchange', cb);
  window.addEventListener('popstate', cb);
  window.addEventListener(NAVIGATE_EVENT, cb);
  return () => {
    window.removeEventListener('hashchange', cb);
    window.removeEventListener('popstate', cb);
    window.removeEventListener(NAVIGATE_EVENT, cb);
  };
};

/** The current route, re-rendering on `hashchange`, Back/Forward and `navigate`. */
export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/**
 * Puts `route` in the URL. `replace` rewrites the current history entry (scroll anchor, search
 * typing: Back should not step through every keystroke); otherwise a new entry is pushed.
 */
export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const hash = formatRoute(route);
  if (hash === window.location.hash || (hash === '#/' && window.location.hash === '')) return;
  const url = `${window.location.pathname}${window.location.search}${hash}`;
  if (opts.replace === true) window.history.replaceState(window.history.state, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}
