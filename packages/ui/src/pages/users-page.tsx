import { toQueryString } from '../api/query-string.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useUserList } from '../hooks/use-api.js';
import { LoadMoreFooter } from '../components/load-more-footer.js';
import { Link } from '../router/link.js';

/** `/users`: who uses the app, how much, and what it costs; each user opens their traces. */
export function UsersPage() {
  const list = useUserList();

  let body;
  if (list.error && !list.items) body = <ErrorState error={list.error} retry={list.reload} />;
  else if (!list.items) body = <LoadingState label="Loading users…" />;
  else if (!list.items.length) body = <EmptyState title="No users yet.">Traces with a user id are counted here.</EmptyState>;
  else {
    const items = list.items;
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
        <LoadMoreFooter shown={items.length} noun="users" hasMore={list.hasMore} loading={list.loadingMore} onLoadMore={list.loadMore} />
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
