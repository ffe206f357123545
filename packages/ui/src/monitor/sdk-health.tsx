import type { SdkHealthRow } from '@wisp/protocol';
import { EmptyState } from '../components/empty-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCount, formatPercent } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { Sparkline } from './sparkline.js';

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const reasons = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${formatCount(n)}`)
    .join(' · ');

/** What each service's SDK says about itself: spans created, sent, dropped (by reason), failed requests. */
export function SdkHealth({ rows, from, to }: { rows: SdkHealthRow[]; from: number; to: number }) {
  if (!rows.length) return <EmptyState title="No SDK reports in this range.">Wisp SDKs report their own counts every minute.</EmptyState>;
  return (
    <table className="data-table" data-testid="sdk-health">
      <thead>
        <tr>
          <th>Service</th>
          <th className="num">Instances</th>
          <th className="num">Created</th>
          <th className="num">Sent</th>
          <th className="num">Dropped</th>
          <th>Drop reasons</th>
          <th className="num">Failed requests</th>
          <th>Dropped over time</th>
          <th>Last report</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const dropped = sum(r.dropped);
          const failed = sum(r.failedRequests);
          return (
            <tr key={r.service} className={dropped > 0 ? 'row-error' : undefined}>
              <td>{visibleText(r.service)}</td>
              <td className="num">{formatCount(r.instances)}</td>
              <td className="num">{formatCount(r.created)}</td>
              <td className="num">{formatCount(r.sent)}</td>
              <td className={`num ${dropped ? 'error-text' : ''}`} data-value={dropped}>
                {formatCount(dropped)} {r.created ? <span className="muted small">({formatPercent(dropped / r.created)})</span> : null}
              </td>
              <td className="small">{visibleText(reasons(r.dropped)) || <span className="muted">none</span>}</td>
              <td className={`num ${failed ? 'error-text' : ''}`} title={visibleText(reasons(r.failedRequests))}>
                {formatCount(failed)}
              </td>
              <td>
                <Sparkline times={r.series.map((p) => p.t)} values={r.series.map((p) => p.dropped)} from={from} to={to} label={`Dropped spans of ${visibleText(r.service)}`} className="has-errors" />
              </td>
              <td className="nowrap">
                <TimeStamp ms={r.lastSeen} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
