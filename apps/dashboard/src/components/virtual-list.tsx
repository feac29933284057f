import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { computeWindow, scrollTopForRow } from '../services/virtual-window.js';

/**
 * A fixed-row-height list that renders only the rows in view (plus overscan). Lists taller than a
 * browser can lay out get a scaled scrollbar (services/virtual-window.ts), so a million rows stay
 * reachable. `anchor` is the row shown first whenever `anchorKey` changes (URL state, new filters);
 * `onFirstRow` reports the first visible row as the user scrolls.
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
  const applied = useRef<string | null>(null);
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
  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) {
    rows.push(
      <div key={i} className="vrow" role="listitem" style={{ position: 'absolute', top: win.offsetTop + (i - win.start) * props.rowHeight, height: props.rowHeight, left: 0, right: 0 }}>
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
