import type { SessionSummary } from '@wisp/protocol';
import { pathSegment } from '../router/path-segment.js';
import { useEffect, useState } from 'react';
import { client } from '../api/client.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useSessions } from '../hooks/use-api.js';
import { Link } from '../router/link.js';

/** `/sessions`: conversations, most recent first, with their totals. */
export function SessionsPage() {
  const first = useSessions({ limit: 50 });
  const [more, setMore] = useState<SessionSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);

  function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    client.listSessions({ limit: 50, cursor }).then(
      (page) => {
        setMore((m) => [...m, ...page.items]);
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      () => setLoadingMore(false),
    );
  }

  let body;
  if (first.error) body = <ErrorState error={first.error} retry={first.reload} />;
  else if (!first.data) body = <LoadingState label="Loading sessions…" />;
  else if (!first.data.items.length)
    body = <EmptyState title="No sessions yet.">Traces with a session id (a conversation, a thread) are grouped here.</EmptyState>;
  else {
    const items = [...first.data.items, ...more];
    body = (
      <div className="table-box">
        <table className="data-table" data-testid="session-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Last activity</th>
              <th className="num">Traces</th>
              <th className="num">Active for</th>
              <th className="num">Errors</th>
              <th className="num">Tokens</th>
              <th className="num">Cost</th>
              <th>Users</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.sessionId}>
                <td className="id-cell">
                  <Link to={`/sessions/${pathSegment(s.sessionId)}`}>{visibleText(s.sessionId)}</Link>
                </td>
                <td className="nowrap">
                  <TimeStamp ms={s.lastTime} />
                </td>
                <td className="num">{formatCount(s.traceCount)}</td>
                <td className="num">{s.traceCount > 1 ? formatDuration(s.lastTime - s.firstTime) : <span className="muted">—</span>}</td>
                <td className="num">{s.errorCount ? <span className="error-text">{formatCount(s.errorCount)}</span> : 0}</td>
                <td className="num">{formatCount(s.totalTokens)}</td>
                <td className="num">{formatCost(s.cost)}</td>
                <td className="id-cell">{visibleText(s.userIds.join(', '))}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="table-footer">
          <span className="muted">{items.length} sessions shown</span>
          {cursor ? (
            <button type="button" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : (
            <span className="muted">end of list</span>
          )}
        </div>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="page-title">
        <h1>Sessions</h1>
      </div>
      {body}
    </div>
  );
}
