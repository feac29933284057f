import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { computeWindow, keyTarget, scrollTopForRow, scrollTopToReveal } from '../services/virtual-window.js';

/**
 * A fixed-row-height list that renders only the rows in view (plus overscan). Lists taller than a
 * browser can lay out get a scaled scrollbar (services/virtual-window.ts), so a million rows stay
 * reachable. `anchor` is the row shown first whenever `anchorKey` changes (URL state, new filters);
 * `onFirstRow` reports the first visible row as the user scrolls. Arrow keys, Page Up/Down, Home
 * and End move the focus between rows (scrolling only as far as needed), so the list is usable
 * without a mouse at any length.
 */
export function VirtualList(props: {
  total: number;
  rowHeight: number;
  height: number;
  anchor: number;
  anchorKey: string;
  renderRow: (index: number) => ReactNode;
  onRange: (start: number, end: number) => void;
  onFirstRow?: (row: number) => void;
  label: string;
  testId?: string;
}): ReactNode {
  const ref = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(props.height);
  const [, setFocusTick] = useState(0);
  const applied = useRef<string | null>(null);
  // Row to focus once it is rendered (after a key moved past the rendered window).
  const pendingFocus = useRef<number | null>(null);
  const win = computeWindow(scrollTop, viewport, props.rowHeight, props.total);
  const { onRange, onFirstRow } = props;
  useEffect(() => onRange(win.start, win.end), [win.start, win.end, onRange]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const measure = (): void => setViewport(el.clientHeight || props.height);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [props.height]);
  // Scroll to the anchor once per key, as soon as the list is long enough to hold it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null || applied.current === props.anchorKey) return;
    if (props.total === 0 && props.anchor > 0) return;
    applied.current = props.anchorKey;
    const top = scrollTopForRow(props.anchor, el.clientHeight || props.height, props.rowHeight, props.total);
    el.scrollTop = top;
    setScrollTop(top);
  }, [props.anchorKey, props.anchor, props.total, props.rowHeight, props.height]);
  // Focus without letting the browser scroll: the list's own scroll position is the anchor state.
  useLayoutEffect(() => {
    const i = pendingFocus.current;
    const row = i === null ? null : ref.current?.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (row === null || row === undefined) return;
    pendingFocus.current = null;
    (row.querySelector<HTMLElement>('a, button, [tabindex="0"]') ?? row).focus({ preventScroll: true });
  });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const el = ref.current;
    const item = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (el === null || item === null || e.altKey || e.ctrlKey || e.metaKey) return;
    const viewportPx = el.clientHeight || props.height;
    const j = keyTarget(e.key, Number(item.dataset.index), viewportPx, props.rowHeight, props.total);
    if (j === undefined) return;
    e.preventDefault();
    const top = scrollTopToReveal(j, el.scrollTop, viewportPx, props.rowHeight, props.total);
    pendingFocus.current = j;
    if (top !== el.scrollTop) {
      el.scrollTop = top;
      setScrollTop(top);
    } else {
      setFocusTick((t) => t + 1);
    }
  };
  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) {
    rows.push(
      <div key={i} className="vrow" role="listitem" data-index={i} tabIndex={-1} style={{ position: 'absolute', top: win.offsetTop + (i - win.start) * props.rowHeight, height: props.rowHeight, left: 0, right: 0 }}>
        {props.renderRow(i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vlist"
      data-testid={props.testId ?? 'test-list'}
      data-first-row={win.first}
      style={{ height: props.height, overflowY: 'auto', position: 'relative' }}
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setScrollTop(top);
        onFirstRow?.(computeWindow(top, e.currentTarget.clientHeight, props.rowHeight, props.total).first);
      }}
    >
      <div role="list" aria-label={props.label} style={{ height: win.totalHeight, position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}
