import type { MetricsGroup } from '@wisp/protocol';
import { formatCost, formatCount, formatDuration, formatPercent } from '../format/numbers.js';
import { TimeChart } from './time-chart.js';

/** One group's metrics over time, shown when its row is expanded. */
export function GroupCharts({ group, from, to, bucketMs }: { group: MetricsGroup; from: number; to: number; bucketMs: number }) {
  const s = group.series;
  const common = { from, to, bucketMs };
  return (
    <div className="chart-grid group-charts" data-testid="group-charts">
      <TimeChart title="Requests" value={formatCount(group.count)} points={s.map((p) => ({ t: p.t, v: p.count }))} format={formatCount} {...common} />
      <TimeChart title="Error rate" value={formatPercent(group.errorRate)} points={s.map((p) => ({ t: p.t, v: p.errorRate }))} format={formatPercent} tone="error" {...common} />
      <TimeChart title="Latency p95" value={formatDuration(group.latency.p95)} points={s.map((p) => ({ t: p.t, v: p.latency.p95 }))} format={formatDuration} tone="warn" {...common} />
      {group.ttft.p95 !== null ? (
        <TimeChart title="Time to first token p95" value={formatDuration(group.ttft.p95)} points={s.map((p) => ({ t: p.t, v: p.ttft.p95 }))} format={formatDuration} tone="warn" {...common} />
      ) : (
        <TimeChart title="Cost" value={formatCost(group.cost)} points={s.map((p) => ({ t: p.t, v: p.cost }))} format={formatCost} tone="cost" {...common} />
      )}
    </div>
  );
}
