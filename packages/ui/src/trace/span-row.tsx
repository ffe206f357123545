import { memo } from 'react';
import { formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import type { SpanNode } from './span-tree.js';

/** Indentation stops growing past this depth (the level is printed instead). */
const MAX_INDENT_DEPTH = 24;
const INDENT_PX = 14;

export interface SpanRowProps {
  node: SpanNode;
  index: number;
  rowHeight: number;
  traceStart: number;
  traceEnd: number;
  now: number;
  collapsed: boolean;
  selected: boolean;
  focused: boolean;
  onCriticalPath: boolean;
  dimmed: boolean;
  matched: boolean;
  onToggle: (spanId: string) => void;
  onSelect: (spanId: string) => void;
}

/** The duration label sits right of the bar, or left of it when the bar reaches the right edge. */
function labelPosition(left: number, width: number) {
  if (left + width < 82) return { left: `calc(${left + width}% + 4px)` };
  if (left > 18) return { right: `calc(${100 - left}% + 4px)` };
  return { right: `calc(${Math.max(0, 100 - left - width)}% + 6px)`, color: 'var(--bar-label-inside)' };
}

/** One span: its place in the tree on the left and its bar in the waterfall on the right, same row. */
export const SpanRow = memo(function SpanRow(props: SpanRowProps) {
  const { node, index, rowHeight, traceStart, traceEnd, now, collapsed, selected, focused } = props;
  const { span } = node;
  const scale = traceEnd - traceStart;
  const end = span.endTime ?? (span.status === 'running' ? now : span.startTime);
  const left = ((span.startTime - traceStart) / scale) * 100;
  const width = (Math.max(0, end - span.startTime) / scale) * 100;
  const ttft = span.completionStartTime !== null ? ((span.completionStartTime - span.startTime) / Math.max(1, end - span.startTime)) * 100 : null;
  const classes = ['span-row', `status-${span.status}`];
  if (selected) classes.push('selected');
  if (focused) classes.push('focused');
  if (props.dimmed) classes.push('dimmed');
  if (props.matched) classes.push('matched');
  if (props.onCriticalPath) classes.push('critical');
  return (
    <div
      id={`span-row-${span.spanId}`}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={node.children.length ? !collapsed : undefined}
      aria-selected={selected}
      data-span-id={span.spanId}
      className={classes.join(' ')}
      style={{ transform: `translateY(${index * rowHeight}px)`, height: rowHeight }}
      onClick={() => props.onSelect(span.spanId)}
    >
      <div className="span-cell-tree">
        <span className="indent" style={{ width: Math.min(node.depth, MAX_INDENT_DEPTH) * INDENT_PX }} />
        {node.depth > MAX_INDENT_DEPTH ? <span className="depth-label">{node.depth}</span> : null}
        {node.children.length ? (
          <button
            type="button"
            tabIndex={-1}
            className="tree-toggle"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            onClick={(e) => {
              e.stopPropagation();
              props.onToggle(span.spanId);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="tree-toggle-space" />
        )}
        <span className={`kind-dot kind-${span.kind}`} title={span.kind} />
        <span className="span-name" title={visibleText(span.name)}>
          {visibleText(span.name)}
        </span>
        {span.status !== 'ok' ? <span className={`status-mark status-${span.status}`}>{span.status}</span> : null}
        {collapsed && node.children.length ? <span className="muted child-count">+{node.children.length}</span> : null}
      </div>
      <div className="span-cell-bar">
        <div
          className={`bar kind-${span.kind} bar-${span.status}`}
          style={{ left: `${left}%`, width: `max(2px, ${width}%)` }}
          title={`${visibleText(span.name)} · ${formatDuration(span.durationMs)}`}
        >
          {ttft !== null && ttft > 0 && ttft < 100 ? <span className="ttft-mark" style={{ left: `${ttft}%` }} /> : null}
        </div>
        <span className="bar-label" style={labelPosition(left, width)}>
          {formatDuration(span.durationMs ?? (span.status === 'running' ? now - span.startTime : null))}
        </span>
      </div>
    </div>
  );
});
