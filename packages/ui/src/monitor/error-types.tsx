import type { ErrorTypeRow } from '@wisp/protocol';
import { pathSegment } from '../router/path-segment.js';
import { TimeStamp } from '../components/time-stamp.js';
import { formatCount } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { Link } from '../router/link.js';
import { EmptyState } from '../components/empty-state.js';

/** Errors by type: how many, where, when last, and one example to open. */
export function ErrorTypes({ rows }: { rows: ErrorTypeRow[] }) {
  if (!rows.length) return <EmptyState title="No errors in this range." />;
  return (
    <table className="data-table" data-testid="error-types">
      <thead>
        <tr>
          <th>Error type</th>
          <th className="num">Count</th>
          <th>Last seen</th>
          <th>Where</th>
          <th>Example</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.errorType}>
            <td>
              <code>{visibleText(r.errorType)}</code>
            </td>
            <td className="num" data-value={r.count}>
              {formatCount(r.count)}
            </td>
            <td className="nowrap">
              <TimeStamp ms={r.lastSeen} />
            </td>
            <td className="id-cell">{visibleText(r.names.join(', '))}</td>
            <td className="preview-cell">
              {r.sampleTraceId ? <Link to={`/traces/${pathSegment(r.sampleTraceId)}`}>{visibleText(r.sampleMessage ?? 'open trace')}</Link> : visibleText(r.sampleMessage ?? '')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
