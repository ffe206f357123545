import type { MetricGroupBy, MetricsGroup, MetricsQuery } from '@wisp/protocol';
import { KindBadge } from '../components/kind-badge.js';
import { formatCost, formatCount, formatDuration, formatPercent, formatRate } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { toQueryString } from '../api/query-string.js';
import { Link } from '../router/link.js';
import { Fragment, useState } from 'react';
import { GroupCharts } from './group-charts.js';
import { Sparkline } from './sparkline.js';

export type MetricSort = NonNullable<MetricsQuery['sort']>;

/**
 * The traces behind a row: the traces page with this group's filter and the same time range. A node
 * that is also a trace name (a root agent) links by trace name; any other node links to the traces
 * containing a span of that name and kind.
 */
export function tracesLinkFor(
  groupBy: MetricGroupBy,
  group: MetricsGroup,
  from: number,
  to: number,
  kind: string | undefined,
  traceNames: ReadonlySet<string>,
): string | null {
  if (group.key === null) return null;
  const range = { from, to };
  switch (groupBy) {
    case 'name':
      if (traceNames.has(group.key)) return `/traces${toQueryString({ name: group.key, kind: group.kind ?? kind, ...range })}`;
      return `/traces${toQueryString({ spanName: group.key, kind: group.kind ?? kind, ...range })}`;
    case 'model':
      return `/traces${toQueryString({ model: group.key, ...range })}`;
    case 'kind':
      return `/traces${toQueryString({ kind: group.key, ...range })}`;
    case 'userId':
      return `/traces${toQueryString({ userId: group.key, ...range })}`;
    case 'release':
      return `/traces${toQueryString({ release: group.key, ...range })}`;
    case 'environment':
      return `/traces${toQueryString({ environment: group.key, ...range })}`;
    default:
      return `/traces${toQueryString(range)}`;
  }
}

const SORTS: Array<{ sort: MetricSort; label: string }> = [
  { sort: 'impact', label: 'Impact' },
  { sort: 'count', label: 'Requests' },
  { sort: 'errorRate', label: 'Errors' },
  { sort: 'p95', label: 'p95' },
  { sort: 'tokens', label: 'Tokens' },
  { sort: 'cost', label: 'Cost' },
];

/** One row per agent, node, tool or model: rate, errors, latency percentiles, TTFT, tokens, cost. */
export function MetricsTable({
  groups,
  groupBy,
  from,
  to,
  sort,
  onSort,
  kind,
  traceNames,
  bucketMs,
}: {
  groups: MetricsGroup[];
  groupBy: MetricGroupBy;
  from: number;
  to: number;
  sort: MetricSort;
  onSort: (sort: MetricSort) => void;
  kind?: string;
  /** Names that are trace names (roots), which the traces page can filter by. */
  traceNames: ReadonlySet<string>;
  bucketMs: number;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const th = (label: string, s?: MetricSort) => {
    const sortable = SORTS.find((x) => x.sort === s);
    return (
      <th className="num" aria-sort={s && s === sort ? 'descending' : undefined}>
        {sortable ? (
          <button type="button" className="sort-button" onClick={() => onSort(sortable.sort)}>
            {label} {s === sort ? '▼' : ''}
          </button>
        ) : (
          label
        )}
      </th>
    );
  };
  const maxImpact = Math.max(1e-9, ...groups.map((g) => g.impact));
  return (
    <div className="table-box">
      <table className="data-table metrics-table" data-testid="metrics-table">
        <thead>
          <tr>
            <th>{groupBy === 'model' ? 'Model' : groupBy === 'kind' ? 'Kind' : 'Name'}</th>
            {th('Impact', 'impact')}
            {th('Rate', 'count')}
            {th('Error %', 'errorRate')}
            {th('p50')}
            {th('p95', 'p95')}
            {th('p99')}
            {th('TTFT p95')}
            {th('Tokens', 'tokens')}
            {th('Cost', 'cost')}
            <th>Requests over time</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const link = tracesLinkFor(groupBy, g, from, to, kind, traceNames);
            const byName = groupBy !== 'name' || (g.key !== null && traceNames.has(g.key));
            const label = visibleText(g.key ?? '(none)');
            const rowKey = `${g.key}:${g.kind}`;
            const expanded = open === rowKey;
            return (
              <Fragment key={rowKey}>
              <tr data-group={g.key ?? ''} className={g.errorRate > 0.05 ? 'row-error' : undefined}>
                <td className="name-cell">
                  <button
                    type="button"
                    className="tree-toggle"
                    aria-expanded={expanded}
                    aria-label={expanded ? 'Hide charts' : 'Show charts'}
                    onClick={() => setOpen(expanded ? null : rowKey)}
                  >
                    {expanded ? '▾' : '▸'}
                  </button>
                  {link ? (
                    <Link to={link} title={byName ? 'Open the traces behind this row' : `Open the traces containing a ${g.kind ?? 'span'} in this range`}>
                      {label}
                    </Link>
                  ) : (
                    <span className="muted">{label}</span>
                  )}{' '}
                  {groupBy === 'name' ? <KindBadge kind={g.kind} /> : null}
                </td>
                <td className="num impact-cell" data-value={g.impact}>
                  <span className="impact-bar" style={{ width: `${(g.impact / maxImpact) * 100}%` }} />
                  <span className="impact-text">{formatCount(g.impact)}</span>
                </td>
                <td className="num" data-metric="count" data-value={g.count} title={`${g.count} requests`}>
                  {formatRate(g.rate)} <span className="muted small">({formatCount(g.count)})</span>
                </td>
                <td className={`num ${g.errorRate > 0 ? 'error-text' : ''}`} data-metric="errorRate" data-value={g.errorRate}>
                  {formatPercent(g.errorRate)}
                </td>
                <td className="num" data-metric="p50" data-value={g.latency.p50 ?? ''}>
                  {formatDuration(g.latency.p50)}
                </td>
                <td className="num" data-metric="p95" data-value={g.latency.p95 ?? ''}>
                  {formatDuration(g.latency.p95)}
                </td>
                <td className="num" data-metric="p99" data-value={g.latency.p99 ?? ''}>
                  {formatDuration(g.latency.p99)}
                </td>
                <td className="num" data-metric="ttft" data-value={g.ttft.p95 ?? ''}>
                  {formatDuration(g.ttft.p95)}
                </td>
                <td className="num" data-metric="tokens" data-value={g.tokens.total}>
                  {formatCount(g.tokens.total)}
                </td>
                <td className="num" data-metric="cost" data-value={g.cost}>
                  {formatCost(g.cost)}
                </td>
                <td>
                  <Sparkline
                    times={g.series.map((p) => p.t)}
                    values={g.series.map((p) => p.count)}
                    from={from}
                    to={to}
                    label={`Requests of ${label} over time`}
                    className={g.errorRate > 0 ? 'has-errors' : ''}
                  />
                </td>
              </tr>
              {expanded ? (
                <tr className="group-charts-row">
                  <td colSpan={11}>
                    <GroupCharts group={g} from={from} to={to} bucketMs={bucketMs} />
                  </td>
                </tr>
              ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
