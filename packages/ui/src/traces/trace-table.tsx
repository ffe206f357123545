import type { TraceSortField, TraceSummary } from '@wisp/protocol';
import { pathSegment } from '../router/path-segment.js';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { StatusBadge } from '../components/status-badge.js';
import { TagList } from '../components/tag-list.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { navigate } from '../router/history.js';
import { Link } from '../router/link.js';

export interface TraceTableProps {
  items: TraceSummary[];
  arrived: ReadonlySet<string>;
  sort: TraceSortField;
  order: 'asc' | 'desc';
  onSort: (sort: TraceSortField, order: 'asc' | 'desc') => void;
  footer: ReactNode;
}

/**
 * The traces table in its own scroll box. When live rows are added on top while the user has
 * scrolled down, the box scrolls by their height so what the user reads does not move.
 */
export function TraceTable({ items, arrived, sort, order, onSort, footer }: TraceTableProps) {
  const box = useRef<HTMLDivElement>(null);
  const previous = useRef<{ first: string | undefined; height: number }>({ first: undefined, height: 0 });
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const first = items[0]?.traceId;
    const prev = previous.current;
    if (prev.first !== undefined && first !== prev.first && el.scrollTop > 0) {
      el.scrollTop += el.scrollHeight - prev.height;
    }
    previous.current = { first, height: el.scrollHeight };
  }, [items]);

  const header = (label: string, field: TraceSortField | null, className = '') => {
    if (!field) return <th className={className}>{label}</th>;
    const active = sort === field;
    const next = active && order === 'desc' ? 'asc' : 'desc';
    return (
      <th className={className} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="sort-button" onClick={() => onSort(field, next)} data-testid={`sort-${field}`}>
          {label} {active ? (order === 'asc' ? '▲' : '▼') : ''}
        </button>
      </th>
    );
  };

  return (
    <div className="table-box" ref={box} data-testid="trace-table-box">
      <table className="data-table traces-table" data-testid="trace-table">
        <thead>
          <tr>
            {header('Time', 'startTime')}
            {header('Name', null)}
            {header('Status', null)}
            {header('Latency', 'durationMs', 'num')}
            {header('Tokens', 'totalTokens', 'num')}
            {header('Cost', 'cost', 'num')}
            {header('User', null)}
            {header('Session', null)}
            {header('Tags', null)}
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr
              key={t.traceId}
              data-trace-id={t.traceId}
              className={arrived.has(t.traceId) ? 'arrived' : undefined}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a,button')) return;
                navigate(`/traces/${pathSegment(t.traceId)}`);
              }}
            >
              <td className="nowrap">
                <TimeStamp ms={t.startTime} />
              </td>
              <td className="name-cell">
                <Link to={`/traces/${pathSegment(t.traceId)}`} className="trace-link">
                  {visibleText(t.name ?? '(unnamed)')}
                </Link>
                {t.inputPreview ? <div className="preview muted">{visibleText(t.inputPreview)}</div> : null}
              </td>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td className="num">{formatDuration(t.durationMs)}</td>
              <td className="num">{formatCount(t.totalTokens)}</td>
              <td className="num">{formatCost(t.cost)}</td>
              <td className="id-cell">
                {t.userId ? <Link to={`/traces?userId=${encodeURIComponent(t.userId)}`}>{visibleText(t.userId)}</Link> : <span className="muted">—</span>}
              </td>
              <td className="id-cell">
                {t.sessionId ? (
                  <Link to={`/sessions/${pathSegment(t.sessionId)}`}>{visibleText(t.sessionId)}</Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <TagList tags={t.tags} max={2} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
