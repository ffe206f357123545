import type { TraceSortField } from '@wisp/protocol';
import { useCallback, useMemo, useState } from 'react';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { LoadMoreFooter } from '../components/load-more-footer.js';
import { navigate } from '../router/history.js';
import { useLocation } from '../router/use-location.js';
import { ExportLinks } from '../traces/export-links.js';
import { FilterBar } from '../traces/filter-bar.js';
import { TraceTable } from '../traces/trace-table.js';
import { hasFilters, parseTraceView, traceViewUrl, viewFilters, type TraceView } from '../traces/trace-query.js';
import { useTraceList } from '../traces/use-trace-list.js';

/** `/traces`: every trace, filtered, sorted and searched through the URL; live on demand. */
export function TracesPage() {
  const { query } = useLocation();
  const view = useMemo(() => parseTraceView(query), [query]);
  const key = JSON.stringify(view);
  const now = useMemo(() => Date.now(), [key]);
  const [live, setLive] = useState(false);
  const list = useTraceList(view, live);
  const change = useCallback((next: TraceView) => navigate(traceViewUrl(next), { replace: false }), []);
  const newestFirst = view.sort === 'startTime' && view.order === 'desc';

  let body;
  if (list.error && !list.items.length) body = <ErrorState error={list.error} retry={list.reload} />;
  else if (list.loading && !list.items.length) body = <LoadingState label="Loading traces…" />;
  else if (!list.items.length)
    body = (
      <EmptyState title={hasFilters(view) ? 'No trace matches these filters.' : 'No traces yet.'}>
        {hasFilters(view) ? (
          <button type="button" onClick={() => navigate('/traces')}>
            Clear filters
          </button>
        ) : (
          'Send spans with the SDK or any OpenTelemetry exporter, or run `wisp demo`.'
        )}
      </EmptyState>
    );
  else
    body = (
      <TraceTable
        items={list.items}
        arrived={list.arrived}
        sort={view.sort}
        order={view.order}
        onSort={(sort: TraceSortField, order) => change({ ...view, sort, order })}
        footer={<LoadMoreFooter shown={list.items.length} noun="traces" hasMore={list.hasMore} loading={list.loadingMore} onLoadMore={list.loadMore} />}
      />
    );

  return (
    <div className="page traces-page">
      <div className="page-title">
        <h1>Traces</h1>
        <label className={`toggle live-toggle${live ? ' on' : ''}`} title={newestFirst ? '' : 'Live mode needs the newest-first order'}>
          <input type="checkbox" checked={live} disabled={!newestFirst} onChange={(e) => setLive(e.target.checked)} data-testid="live-toggle" />
          Live {live ? <span className={list.connected ? 'live-dot on' : 'live-dot'} aria-label={list.connected ? 'connected' : 'connecting'} /> : null}
        </label>
        <ExportLinks filters={viewFilters(view, now)} />
      </div>
      <FilterBar view={view} now={now} onChange={change} />
      {body}
    </div>
  );
}
