import { pathSegment } from '../router/path-segment.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useSessionList } from '../hooks/use-api.js';
import { LoadMoreFooter } from '../components/load-more-footer.js';
import { Link } from '../router/link.js';

/** `/sessions`: conversations, most recent first, with their totals. */
export function SessionsPage() {
  const list = useSessionList();

  let body;
  if (list.error && !list.items) body = <ErrorState error={list.error} retry={list.reload} />;
  else if (!list.items) body = <LoadingState label="Loading sessions…" />;
  else if (!list.items.length)
    body = <EmptyState title="No sessions yet.">Traces with a session id (a conversation, a thread) are grouped here.</EmptyState>;
  else {
    const items = list.items;
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
        <LoadMoreFooter shown={items.length} noun="sessions" hasMore={list.hasMore} loading={list.loadingMore} onLoadMore={list.loadMore} />
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
