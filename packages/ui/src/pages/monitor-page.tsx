import type { MetricGroupBy, MetricsQuery, ObservationKind } from '@wisp/protocol';
import { useMemo } from 'react';
import { toQueryString } from '../api/query-string.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { formatCost, formatCount, formatDuration, formatPercent, formatRate } from '../format/numbers.js';
import { useErrorTypes, useFacet, useMetrics, useSdkHealth } from '../hooks/use-api.js';
import { ErrorTypes } from '../monitor/error-types.js';
import { MetricsTable, type MetricSort } from '../monitor/metrics-table.js';
import { SdkHealth } from '../monitor/sdk-health.js';
import { TimeChart } from '../monitor/time-chart.js';
import { navigate } from '../router/history.js';
import { useLocation } from '../router/use-location.js';

const RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type RangeName = keyof typeof RANGES;

/** What the table groups by: every node, one kind of node, models or kinds. */
const VIEWS: Record<string, { label: string; groupBy: MetricGroupBy; kind?: ObservationKind }> = {
  nodes: { label: 'All nodes', groupBy: 'name' },
  agents: { label: 'Agents', groupBy: 'name', kind: 'agent' },
  tools: { label: 'Tools', groupBy: 'name', kind: 'tool' },
  models: { label: 'Models', groupBy: 'model', kind: 'generation' },
  kinds: { label: 'Kinds', groupBy: 'kind' },
};
const SORTS: MetricSort[] = ['impact', 'count', 'errorRate', 'p95', 'cost', 'tokens'];

/** `/monitor`: rate, errors, latency, TTFT, tokens and cost of everything, over the chosen range. */
export function MonitorPage() {
  const { query, href } = useLocation();
  const rangeName: RangeName = (query.get('range') as RangeName) in RANGES ? (query.get('range') as RangeName) : '24h';
  const viewName = (query.get('view') ?? 'nodes') in VIEWS ? (query.get('view') ?? 'nodes') : 'nodes';
  const view = VIEWS[viewName]!;
  const sort: MetricSort = SORTS.includes(query.get('sort') as MetricSort) ? (query.get('sort') as MetricSort) : 'impact';
  // One "now" per view of the page, so reloads of the same view ask for the same window.
  const now = useMemo(() => Math.ceil(Date.now() / 60_000) * 60_000, [href]);
  const from = now - RANGES[rangeName];
  const metricsQuery: MetricsQuery = { from, to: now, groupBy: view.groupBy, kind: view.kind, sort };
  const overall: MetricsQuery = { from, to: now };
  const metrics = useMetrics(metricsQuery);
  const totals = useMetrics(overall);
  const errors = useErrorTypes(overall);
  const health = useSdkHealth({ from, to: now });
  const rootNames = useFacet('name', { from, to: now });
  const traceNames = useMemo(() => new Set(rootNames.data?.values.map((v) => v.value) ?? []), [rootNames.data]);
  const go = (patch: Record<string, string>) =>
    navigate(`/monitor${toQueryString({ range: rangeName, view: viewName, sort, ...patch })}`, { replace: true });

  const t = totals.data;
  const series = t?.totalSeries ?? [];
  return (
    <div className="page monitor-page">
      <div className="page-title">
        <h1>Monitor</h1>
        <div className="segmented" role="group" aria-label="Time range">
          {(Object.keys(RANGES) as RangeName[]).map((r) => (
            <button key={r} type="button" aria-pressed={r === rangeName} onClick={() => go({ range: r })}>
              {r}
            </button>
          ))}
        </div>
      </div>
      {totals.error ? <ErrorState error={totals.error} retry={totals.reload} /> : null}
      {t ? (
        <div className="chart-grid" data-testid="totals">
          <TimeChart title="Requests" value={`${formatCount(t.total.count)} · ${formatRate(t.total.rate)}`} points={series.map((p) => ({ t: p.t, v: p.count }))} from={t.from} to={t.to} bucketMs={t.bucketMs} format={formatCount} testId="chart-requests" />
          <TimeChart title="Error rate" value={formatPercent(t.total.errorRate)} points={series.map((p) => ({ t: p.t, v: p.errorRate }))} from={t.from} to={t.to} bucketMs={t.bucketMs} format={formatPercent} tone="error" testId="chart-errors" />
          <TimeChart title="Latency p95" value={formatDuration(t.total.latency.p95)} points={series.map((p) => ({ t: p.t, v: p.latency.p95 }))} from={t.from} to={t.to} bucketMs={t.bucketMs} format={formatDuration} tone="warn" testId="chart-p95" />
          <TimeChart title="Cost" value={`${formatCost(t.total.cost)} · ${formatCount(t.total.tokens.total)} tokens`} points={series.map((p) => ({ t: p.t, v: p.cost }))} from={t.from} to={t.to} bucketMs={t.bucketMs} format={formatCost} tone="cost" testId="chart-cost" />
        </div>
      ) : !totals.error ? (
        <LoadingState label="Loading totals…" />
      ) : null}
      <section className="monitor-section">
        <div className="section-title">
          <h2>Breakdown</h2>
          <div className="segmented" role="group" aria-label="Group by">
            {Object.entries(VIEWS).map(([name, v]) => (
              <button key={name} type="button" aria-pressed={name === viewName} onClick={() => go({ view: name })} data-testid={`view-${name}`}>
                {v.label}
              </button>
            ))}
          </div>
          <span className="muted small">
            Sorted by {sort === 'impact' ? 'impact (rate × mean latency)' : sort}
            {metrics.data ? ` · percentiles ±${Math.round(metrics.data.quantileRelativeError * 100)}%` : ''}
          </span>
        </div>
        {metrics.error ? <ErrorState error={metrics.error} retry={metrics.reload} /> : null}
        {!metrics.data && !metrics.error ? <LoadingState label="Loading metrics…" /> : null}
        {metrics.data ? (
          metrics.data.groups.length ? (
            <MetricsTable groups={metrics.data.groups} groupBy={view.groupBy} from={from} to={now} sort={sort} onSort={(s) => go({ sort: s })} kind={view.kind} traceNames={traceNames} bucketMs={metrics.data.bucketMs} />
          ) : (
            <EmptyState title="Nothing observed in this range.">Pick a longer range, or send some traces.</EmptyState>
          )
        ) : null}
      </section>
      <section className="monitor-section">
        <div className="section-title">
          <h2>Errors by type</h2>
        </div>
        {errors.error ? <ErrorState error={errors.error} retry={errors.reload} /> : errors.data ? <ErrorTypes rows={errors.data.items} /> : <LoadingState />}
      </section>
      <section className="monitor-section">
        <div className="section-title">
          <h2>SDK health</h2>
          <span className="muted small">spans the SDKs dropped or failed to send, per service</span>
        </div>
        {health.error ? <ErrorState error={health.error} retry={health.reload} /> : health.data ? <SdkHealth rows={health.data.items} from={from} to={now} /> : <LoadingState />}
      </section>
    </div>
  );
}
