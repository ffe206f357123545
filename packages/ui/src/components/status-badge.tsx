import type { ObservationStatus } from '@wisp/protocol';

const LABELS: Record<ObservationStatus, string> = {
  ok: 'ok',
  error: 'error',
  running: 'running',
  abandoned: 'abandoned',
};

/** The status as a word and a colour, never colour alone. */
export function StatusBadge({ status }: { status: ObservationStatus }) {
  return <span className={`badge status-${status}`}>{LABELS[status] ?? String(status)}</span>;
}
