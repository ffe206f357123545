import { pathSegment } from '../router/path-segment.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TagList } from '../components/tag-list.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useSession } from '../hooks/use-api.js';
import { Link } from '../router/link.js';
import { EmptyState } from '../components/empty-state.js';

/** `/sessions/:id`: the conversation's traces in order, each turn's input and output, and totals. */
export function SessionDetailPage({ sessionId }: { sessionId: string }) {
  const { data, error, reload } = useSession(sessionId);
  if (error) return <ErrorState error={error} retry={reload} />;
  if (!data) return <LoadingState label="Loading session…" />;
  const s = data.session;
  return (
    <div className="page session-page">
      <div className="page-title">
        <Link to="/sessions" className="back-link">
          ← Sessions
        </Link>
        <h1 data-testid="session-id">{visibleText(s.sessionId)}</h1>
      </div>
      <dl className="trace-stats">
        <div>
          <dt>Started</dt>
          <dd>
            <TimeStamp ms={s.firstTime} />
          </dd>
        </div>
        <div>
          <dt>Traces</dt>
          <dd>{formatCount(s.traceCount)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{formatCount(s.spanCount)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{formatCount(s.errorCount)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatCount(s.totalTokens)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatCost(s.cost)}</dd>
        </div>
        <div>
          <dt>Users</dt>
          <dd>{visibleText(s.userIds.join(', ') || '—')}</dd>
        </div>
      </dl>
      {data.traces.length === 0 ? <EmptyState title="This session has no traces." /> : null}
      <ol className="conversation" data-testid="conversation">
        {data.traces.map((t, i) => (
          <li key={t.traceId} className="turn">
            <div className="turn-header">
              <span className="turn-number">#{i + 1}</span>
              <Link to={`/traces/${pathSegment(t.traceId)}`}>{visibleText(t.name ?? '(unnamed)')}</Link>
              <StatusBadge status={t.status} />
              <TimeStamp ms={t.startTime} />
              <span className="muted">
                {formatDuration(t.durationMs)} · {formatCount(t.totalTokens)} tokens · {formatCost(t.cost)}
              </span>
              <TagList tags={t.tags} />
            </div>
            {t.inputPreview ? (
              <div className="turn-io">
                <span className="turn-role">in</span>
                <span className="turn-text">{visibleText(t.inputPreview)}</span>
              </div>
            ) : null}
            {t.outputPreview ? (
              <div className="turn-io">
                <span className="turn-role">out</span>
                <span className="turn-text">{visibleText(t.outputPreview)}</span>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
