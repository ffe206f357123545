import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualRows } from '../hooks/use-virtual-rows.js';
import { SpanRow } from './span-row.js';
import { ancestorsOf, visibleRows, type SpanTree } from './span-tree.js';
import { WaterfallAxis } from './waterfall-axis.js';

export const ROW_HEIGHT = 26;

export interface SpanTreeViewProps {
  tree: SpanTree;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
  criticalPath: ReadonlySet<string>;
  criticalOnly: boolean;
  /** Spans matching the finder, highlighted. */
  matches: ReadonlySet<string>;
  now: number;
}

/**
 * The span tree and the waterfall, side by side in one virtualized list (each row holds both, so
 * they can never drift apart). Keys: ↑/↓ move, ← collapses or goes to the parent, → expands or goes
 * to the first child, Enter opens the span, Home/End jump.
 */
export function SpanTreeView({ tree, selectedId, onSelect, criticalPath, criticalOnly, matches, now }: SpanTreeViewProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [focusedId, setFocusedId] = useState<string | null>(selectedId);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const indexOf = useMemo(() => new Map(rows.map((node, i) => [node.span.spanId, i])), [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const { first, last, totalHeight } = useVirtualRows(scroller, rows.length, ROW_HEIGHT);

  const toggle = useCallback((spanId: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  }, []);

  const select = useCallback(
    (spanId: string) => {
      setFocusedId(spanId);
      onSelect(spanId);
    },
    [onSelect],
  );

  // A deep link to a span inside a collapsed subtree opens the path to it.
  useEffect(() => {
    if (!selectedId) return;
    const hidden = ancestorsOf(tree, selectedId).filter((id) => collapsed.has(id));
    if (hidden.length) setCollapsed((prev) => new Set([...prev].filter((id) => !hidden.includes(id))));
    setFocusedId(selectedId);
    // Only when the selection comes from outside (URL), not on every collapse.
  }, [selectedId, tree]);

  // Keep the focused row in view.
  useEffect(() => {
    const el = scroller.current;
    const index = focusedId ? indexOf.get(focusedId) : undefined;
    if (!el || index === undefined) return;
    const top = index * ROW_HEIGHT;
    const header = ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT + header > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT + header - el.clientHeight;
  }, [focusedId, indexOf]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = focusedId !== null ? (indexOf.get(focusedId) ?? 0) : 0;
    const node = rows[index];
    const moveTo = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (target) setFocusedId(target.span.spanId);
    };
    const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(focusedId === null ? 0 : index + 1);
        break;
      case 'ArrowUp':
        moveTo(index - 1);
        break;
      case 'PageDown':
        moveTo(index + pageRows);
        break;
      case 'PageUp':
        moveTo(index - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowLeft':
        if (!node) break;
        if (node.children.length && !collapsed.has(node.span.spanId)) toggle(node.span.spanId);
        else if (node.parent) setFocusedId(node.parent.span.spanId);
        break;
      case 'ArrowRight':
        if (!node || !node.children.length) break;
        if (collapsed.has(node.span.spanId)) toggle(node.span.spanId);
        else setFocusedId(node.children[0]!.span.spanId);
        break;
      case 'Enter':
      case ' ':
        if (node) onSelect(node.span.spanId);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  const rendered = [];
  for (let i = first; i < last; i++) {
    const node = rows[i]!;
    const id = node.span.spanId;
    const onPath = criticalPath.has(id);
    rendered.push(
      <SpanRow
        key={id}
        node={node}
        index={i}
        rowHeight={ROW_HEIGHT}
        traceStart={tree.start}
        traceEnd={tree.end}
        now={now}
        collapsed={collapsed.has(id)}
        selected={id === selectedId}
        focused={id === focusedId}
        onCriticalPath={criticalOnly && onPath}
        dimmed={criticalOnly && !onPath}
        matched={matches.has(id)}
        onToggle={toggle}
        onSelect={select}
      />,
    );
  }

  return (
    <div
      className="span-tree-view"
      ref={scroller}
      tabIndex={0}
      role="tree"
      aria-label="Spans of this trace"
      aria-activedescendant={focusedId ? `span-row-${focusedId}` : undefined}
      onKeyDown={onKeyDown}
      data-testid="span-tree"
    >
      <div className="span-tree-header">
        <div className="span-cell-tree">
          Span <span className="muted">({rows.length.toLocaleString('en-US')} shown of {tree.byId.size.toLocaleString('en-US')})</span>
        </div>
        <div className="span-cell-bar" data-testid="waterfall">
          <WaterfallAxis durationMs={tree.end - tree.start} />
        </div>
      </div>
      <div className="span-rows" style={{ height: totalHeight }}>
        {rendered}
      </div>
    </div>
  );
}
