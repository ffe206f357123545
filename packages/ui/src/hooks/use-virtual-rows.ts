import { useEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

/** Rows rendered above and below the viewport, so fast scrolling shows no gaps. */
const OVERSCAN = 12;

export interface VirtualWindow {
  first: number;
  last: number;
  totalHeight: number;
}

/**
 * Which of `count` fixed-height rows are in view of the scroll container: only those are rendered,
 * so a 10,000-row tree costs the same as a 40-row one. The window moves synchronously in the
 * scroll event (before the frame is painted), and only when a row boundary is crossed.
 */
export function useVirtualRows(container: RefObject<HTMLElement | null>, count: number, rowHeight: number): VirtualWindow {
  const [view, setView] = useState({ topRow: 0, rowsInView: 40 });
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      const topRow = Math.floor(el.scrollTop / rowHeight);
      const rowsInView = Math.ceil(el.clientHeight / rowHeight) + 1;
      setView((v) => (v.topRow === topRow && v.rowsInView === rowsInView ? v : { topRow, rowsInView }));
    };
    const onScroll = () => flushSync(measure);
    measure();
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
    };
  }, [container, rowHeight]);
  const first = Math.max(0, view.topRow - OVERSCAN);
  const last = Math.min(count, view.topRow + view.rowsInView + OVERSCAN);
  return { first, last, totalHeight: count * rowHeight };
}
