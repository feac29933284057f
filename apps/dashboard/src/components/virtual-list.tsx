import { useEffect, useRef, useState, type ReactNode } from 'react';
import { computeWindow } from '../services/virtual-window.js';

/** A fixed-row-height list that renders only the rows in view (plus overscan). */
export function VirtualList(props: { total: number; rowHeight: number; height: number; renderRow: (index: number) => ReactNode; onRange: (start: number, end: number) => void }): ReactNode {
  const [scrollTop, setScrollTop] = useState(0);
  const ref = useRef<HTMLDivElement | null>(null);
  const win = computeWindow(scrollTop, props.height, props.rowHeight, props.total);
  const { onRange } = props;
  useEffect(() => onRange(win.start, win.end), [win.start, win.end, onRange]);
  useEffect(() => {
    // New filters shrink the list: jump back to the top instead of showing blank space.
    if (ref.current !== null) ref.current.scrollTop = 0;
    setScrollTop(0);
  }, [props.total]);
  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ position: 'absolute', top: i * props.rowHeight, height: props.rowHeight, left: 0, right: 0 }}>
        {props.renderRow(i)}
      </div>,
    );
  }
  return (
    <div ref={ref} className="vlist" data-testid="test-list" style={{ height: props.height, overflowY: 'auto', position: 'relative' }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: win.totalHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
