import type { TraceDetail } from '@wisp/protocol';
import { pathSegment } from '../router/path-segment.js';
import { JsonTree } from '../components/json-tree.js';
import { StatusBadge } from '../components/status-badge.js';
import { TagList } from '../components/tag-list.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { Link } from '../router/link.js';

/** The trace at a glance: name, status, when, how long, how much, who. */
export function TraceHeader({ trace }: { trace: TraceDetail['trace'] }) {
  return (
    <header className="trace-header">
      <div className="trace-title-line">
        <Link to="/traces" className="back-link">
          ← Traces
        </Link>
        <h1 data-testid="trace-name">{visibleText(trace.name ?? '(unnamed trace)')}</h1>
        <StatusBadge status={trace.status} />
      </div>
      <dl className="trace-stats">
        <div>
          <dt>Start</dt>
          <dd>
            <TimeStamp ms={trace.startTime} />
          </dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{formatDuration(trace.durationMs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>
            {formatCount(trace.spanCount)}
            {trace.errorCount ? <span className="error-text"> · {formatCount(trace.errorCount)} errors</span> : null}
          </dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatCount(trace.totalTokens)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatCost(trace.cost)}</dd>
        </div>
        {trace.userId ? (
          <div>
            <dt>User</dt>
            <dd>
              <Link to={`/traces?userId=${encodeURIComponent(trace.userId)}`}>{visibleText(trace.userId)}</Link>
            </dd>
          </div>
        ) : null}
        {trace.sessionId ? (
          <div>
            <dt>Session</dt>
            <dd>
              <Link to={`/sessions/${pathSegment(trace.sessionId)}`}>{visibleText(trace.sessionId)}</Link>
            </dd>
          </div>
        ) : null}
        {trace.release || trace.environment ? (
          <div>
            <dt>Release</dt>
            <dd>
              {visibleText([trace.environment, trace.release].filter(Boolean).join(' · '))}
            </dd>
          </div>
        ) : null}
        {trace.tags.length ? (
          <div>
            <dt>Tags</dt>
            <dd>
              <TagList tags={trace.tags} />
            </dd>
          </div>
        ) : null}
      </dl>
      {trace.metadata && Object.keys(trace.metadata).length ? (
        <details className="trace-metadata" data-testid="trace-metadata">
          <summary>Trace metadata ({Object.keys(trace.metadata).length})</summary>
          <JsonTree value={trace.metadata} expandDepth={1} />
        </details>
      ) : null}
    </header>
  );
}
