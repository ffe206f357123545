import { formatDuration } from '../format/numbers.js';

const TICKS = 5;

/** Time marks above the waterfall, relative to the trace's start. */
export function WaterfallAxis({ durationMs }: { durationMs: number }) {
  return (
    <div className="waterfall-axis" aria-hidden="true">
      {Array.from({ length: TICKS + 1 }, (_, i) => (
        <span key={i} className="axis-tick" style={{ left: `${(i / TICKS) * 100}%` }}>
          {formatDuration((durationMs * i) / TICKS)}
        </span>
      ))}
    </div>
  );
}
