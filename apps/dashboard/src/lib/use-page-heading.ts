import { useEffect, useRef, type RefObject } from 'react';

/** The app's name, after the view's in every document title. */
export const APP_TITLE = 'dualxda';

/**
 * Names the page after its view (`document.title`) and moves the focus to the view's main
 * heading once it is on screen (`ready`), so a screen reader announces the new page after a
 * navigation instead of staying on the link that was followed. Put the returned ref on the
 * heading with `tabIndex={-1}`.
 */
export function usePageHeading(title: string, ready = true): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  const focusedFor = useRef<string | undefined>(undefined);
  useEffect(() => {
    document.title = `${title} · ${APP_TITLE}`;
  }, [title]);
  useEffect(() => {
    if (!ready || heading.current === null || focusedFor.current === title) return;
    focusedFor.current = title;
    // Leave the focus alone while the user works inside the page (a search box, a checkbox).
    const current = document.activeElement;
    const main = heading.current.closest('main');
    if (current === null || current === document.body || main === null || !main.contains(current)) heading.current.focus({ preventScroll: true });
  }, [title, ready]);
  return heading;
}
