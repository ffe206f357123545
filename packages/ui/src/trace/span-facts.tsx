import type { ObservationSummary } from '@wisp/protocol';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCost, formatCount, formatDuration } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';

/** Timing, and for model calls provider, model, usage, cost, time to first token and stream stats. */
export function SpanFacts({ span }: { span: ObservationSummary }) {
  const u = span.usage;
  return (
    <dl className="facts" data-testid="span-facts">
      <dt>Start</dt>
      <dd>
        <TimeStamp ms={span.startTime} />
      </dd>
      <dt>Duration</dt>
      <dd>{formatDuration(span.durationMs)}</dd>
      {span.service ? (
        <>
          <dt>Service</dt>
          <dd>{visibleText(span.service)}</dd>
        </>
      ) : null}
      {span.provider ? (
        <>
          <dt>Provider</dt>
          <dd>{visibleText(span.provider)}</dd>
        </>
      ) : null}
      {span.model ? (
        <>
          <dt>Model</dt>
          <dd>{visibleText(span.model)}</dd>
        </>
      ) : null}
      {u ? (
        <>
          <dt>Tokens</dt>
          <dd>
            {formatCount(u.input ?? 0)} in · {formatCount(u.output ?? 0)} out
            {u.cacheRead ? ` · ${formatCount(u.cacheRead)} cache read` : ''}
            {u.cacheWrite ? ` · ${formatCount(u.cacheWrite)} cache write` : ''}
            {u.reasoning ? ` · ${formatCount(u.reasoning)} reasoning` : ''}
            {` · ${formatCount(u.total ?? (u.input ?? 0) + (u.output ?? 0))} total`}
          </dd>
        </>
      ) : null}
      {span.cost !== null ? (
        <>
          <dt>Cost</dt>
          <dd>{formatCost(span.cost)}</dd>
        </>
      ) : null}
      {span.ttftMs !== null ? (
        <>
          <dt>Time to first token</dt>
          <dd data-testid="ttft">{formatDuration(span.ttftMs)}</dd>
        </>
      ) : null}
      {span.stream ? (
        <>
          <dt>Stream</dt>
          <dd>
            {formatCount(span.stream.chunks ?? 0)} chunks
            {span.stream.meanChunkGapMs !== undefined ? ` · mean gap ${formatDuration(span.stream.meanChunkGapMs)}` : ''}
            {span.stream.maxChunkGapMs !== undefined ? ` · max gap ${formatDuration(span.stream.maxChunkGapMs)}` : ''}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
