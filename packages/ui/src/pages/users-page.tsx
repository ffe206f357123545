import type { UserSummary } from '@wisp/protocol';
import { useEffect, useState } from 'react';
import { client } from '../api/client.js';
import { toQueryString } from '../api/query-string.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useUsers } from '../hooks/use-api.js';
import { Link } from '../router/link.js';

/** `/users`: who uses the app, how much, and what it costs; each user opens their traces. */
export function UsersPage() {
  const first = useUsers({ limit: 50 });
  const [more, setMore] = useState<UserSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);

  function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    client.listUsers({ limit: 50, cursor }).then(
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
  else if (!first.data) body = <LoadingState label="Loading users…" />;
  else if (!first.data.items.length) body = <EmptyState title="No users yet.">Traces with a user id are counted here.</EmptyState>;
  else {
    const items = [...first.data.items, ...more];
    body = (
      <div className="table-box">
        <table className="data-table" data-testid="user-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Last seen</th>
              <th className="num">Traces</th>
              <th className="num">Sessions</th>
              <th className="num">Errors</th>
              <th className="num">Tokens</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.userId} data-user={u.userId}>
                <td className="id-cell">
                  <Link to={`/traces${toQueryString({ userId: u.userId })}`}>{visibleText(u.userId)}</Link>
                </td>
                <td className="nowrap">
                  <TimeStamp ms={u.lastTime} />
                </td>
                <td className="num" data-value={u.traceCount}>
                  {formatCount(u.traceCount)}
                </td>
                <td className="num">{formatCount(u.sessionCount)}</td>
                <td className="num">{u.errorCount ? <span className="error-text">{formatCount(u.errorCount)}</span> : 0}</td>
                <td className="num">{formatCount(u.totalTokens)}</td>
                <td className="num">{formatCost(u.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="table-footer">
          <span className="muted">{items.length} users shown</span>
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
        <h1>Users</h1>
      </div>
      {body}
    </div>
  );
}
