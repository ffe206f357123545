import type { ObservationSummary } from '@wisp/protocol';
import { ErrorState } from '../components/error-state.js';
import { JsonTree } from '../components/json-tree.js';
import { KindBadge } from '../components/kind-badge.js';
import { LoadingState } from '../components/loading-state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { useObservation } from '../hooks/use-api.js';
import { PayloadView } from '../payload/payload-view.js';
import { SpanFacts } from './span-facts.js';

/**
 * Everything about one span. The summary (already loaded with the trace) shows at once; input and
 * output are fetched only now, for this span.
 */
export function SpanPanel({ traceId, span }: { traceId: string; span: ObservationSummary }) {
  const detail = useObservation(traceId, span.spanId);
  return (
    <aside className="span-panel" data-testid="span-panel" aria-label="Span details">
      <header className="span-panel-header">
        <h2 className="span-title">{visibleText(span.name)}</h2>
        <div className="badges">
          <KindBadge kind={span.kind} />
          <StatusBadge status={span.status} />
          {span.level !== 'default' && !(span.level === 'error' && span.status === 'error') ? <span className="badge">level {span.level}</span> : null}
        </div>
      </header>
      <SpanFacts span={span} />
      {span.error ? (
        <section className="span-error" data-testid="span-error">
          <h3>Error</h3>
          <div>
            <code>{visibleText(span.error.type)}</code> {visibleText(span.error.message)}
          </div>
          {span.error.stack ? <pre className="stack">{visibleText(span.error.stack)}</pre> : null}
        </section>
      ) : span.statusMessage ? (
        <section>
          <h3>Status message</h3>
          <div>{visibleText(span.statusMessage)}</div>
        </section>
      ) : null}
      {detail.error ? <ErrorState error={detail.error} retry={detail.reload} /> : null}
      {detail.loading && !detail.data ? <LoadingState label="Loading input and output…" /> : null}
      {detail.data && detail.data.spanId === span.spanId ? (
        <>
          <PayloadView title="Input" value={detail.data.input} bytes={span.inputBytes} fileName={`${span.spanId}-input.json`} />
          <PayloadView title="Output" value={detail.data.output} bytes={span.outputBytes} fileName={`${span.spanId}-output.json`} />
        </>
      ) : null}
      {span.metadata && Object.keys(span.metadata).length ? (
        <section data-testid="span-metadata">
          <h3>Metadata</h3>
          <JsonTree value={span.metadata} expandDepth={1} />
        </section>
      ) : null}
      {span.modelParameters && Object.keys(span.modelParameters).length ? (
        <section>
          <h3>Model parameters</h3>
          <JsonTree value={span.modelParameters} expandDepth={1} />
        </section>
      ) : null}
      <section>
        <h3>Subtree</h3>
        <dl className="facts">
          <dt>Spans</dt>
          <dd>{formatCount(span.subtree.spanCount)}</dd>
          <dt>Errors</dt>
          <dd>{formatCount(span.subtree.errorCount)}</dd>
          <dt>Tokens</dt>
          <dd>{formatCount(span.subtree.totalTokens)}</dd>
          <dt>Cost</dt>
          <dd>{formatCost(span.subtree.cost)}</dd>
        </dl>
      </section>
      <footer className="muted small">
        span <code>{span.spanId}</code> · started <TimeStamp ms={span.startTime} /> · {formatDuration(span.durationMs)}
      </footer>
    </aside>
  );
}
