import { pathSegment } from '../router/path-segment.js';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { useTrace } from '../hooks/use-api.js';
import { navigate } from '../router/history.js';
import { useLocation } from '../router/use-location.js';
import { SpanFinder } from '../trace/span-finder.js';
import { SpanPanel } from '../trace/span-panel.js';
import { SpanTreeView } from '../trace/span-tree-view.js';
import { buildSpanTree } from '../trace/span-tree.js';
import { TraceHeader } from '../trace/trace-header.js';
import { EmptyState } from '../components/empty-state.js';

const RUNNING_REFRESH_MS = 3_000;
const NO_MATCHES: ReadonlySet<string> = new Set();

/** `/traces/:traceId?span=:spanId`: the tree, the waterfall and the selected span's panel. */
export function TraceDetailPage({ traceId }: { traceId: string }) {
  const { data, error, loading, reload } = useTrace(traceId);
  // A trace still running grows while you look at it.
  const running = data?.trace.status === 'running';
  useEffect(() => {
    if (!running || loading) return;
    const timer = setTimeout(reload, RUNNING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, loading, reload, data]);
  const { query } = useLocation();
  const [criticalOnly, setCriticalOnly] = useState(false);
  const [matches, setMatches] = useState<ReadonlySet<string>>(NO_MATCHES);
  const now = useMemo(() => Date.now(), [data]);
  const tree = useMemo(() => (data ? buildSpanTree(data.observations, now) : null), [data, now]);
  const criticalPath = useMemo(
    () => new Set([...(data?.criticalPath ?? []), ...(data?.observations.filter((o) => o.critical).map((o) => o.spanId) ?? [])]),
    [data],
  );
  const requested = query.get('span');
  const selectedId = requested && tree?.byId.has(requested) ? requested : (tree?.roots[0]?.span.spanId ?? null);
  const select = useCallback(
    (spanId: string) => navigate(`/traces/${pathSegment(traceId)}?span=${encodeURIComponent(spanId)}`, { replace: true }),
    [traceId],
  );

  if (error) return <ErrorState error={error} retry={reload} />;
  if (loading && !data) return <LoadingState label="Loading trace…" />;
  if (!data || !tree) return null;
  const selected = selectedId ? tree.byId.get(selectedId)?.span : undefined;
  return (
    <div className="trace-detail">
      <TraceHeader trace={data.trace} />
      <div className="trace-toolbar">
        <SpanFinder tree={tree} onMatches={setMatches} onGo={select} />
        <label className="toggle">
          <input type="checkbox" checked={criticalOnly} onChange={(e) => setCriticalOnly(e.target.checked)} data-testid="critical-toggle" />
          Critical path
        </label>
        <span className="legend" aria-label="Kinds">
          {['agent', 'chain', 'tool', 'generation', 'retriever', 'embedding', 'guardrail', 'span', 'event'].map((kind) => (
            <span key={kind} className="legend-item">
              <span className={`kind-dot kind-${kind}`} />
              {kind}
            </span>
          ))}
        </span>
        <span className="muted small">↑↓ move · ←→ collapse/expand · Enter open</span>
      </div>
      {tree.byId.size === 0 ? (
        <EmptyState title="This trace has no spans yet.">Spans appear here as the collector receives them.</EmptyState>
      ) : (
        <div className="trace-body">
          <SpanTreeView
            tree={tree}
            selectedId={selectedId}
            onSelect={select}
            criticalPath={criticalPath}
            criticalOnly={criticalOnly}
            matches={matches}
            now={now}
          />
          {selected ? <SpanPanel key={selected.spanId} traceId={traceId} span={selected} /> : null}
        </div>
      )}
    </div>
  );
}
