import { formatTime } from '../format/time.js';
import { useTimeZone } from '../settings/time-zone.js';

const W = 320;
const H = 110;
const PAD_LEFT = 4;
const PAD_BOTTOM = 18;

/**
 * One metric over time as SVG bars (one per bucket), with the peak value and the time axis in the
 * chosen zone. Empty buckets stay empty.
 */
export function TimeChart({
  title,
  value,
  points,
  from,
  to,
  bucketMs,
  format,
  tone = 'accent',
  testId,
}: {
  title: string;
  value: string;
  points: Array<{ t: number; v: number | null }>;
  from: number;
  to: number;
  bucketMs: number;
  format: (v: number) => string;
  tone?: 'accent' | 'error' | 'warn' | 'cost';
  testId?: string;
}) {
  const zone = useTimeZone();
  const max = Math.max(0, ...points.map((p) => p.v ?? 0));
  const plotH = H - PAD_BOTTOM;
  const span = Math.max(1, to - from);
  const barW = Math.max(1, (bucketMs / span) * (W - PAD_LEFT) - 1);
  const start = formatTime(from, zone);
  const end = formatTime(to, zone);
  return (
    <figure className="chart card" data-testid={testId}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-value" data-testid={testId ? `${testId}-value` : undefined}>
          {value}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className={`chart-svg tone-${tone}`} role="img" aria-label={`${title} over time, peak ${format(max)}`}>
        <line x1={PAD_LEFT} x2={W} y1={plotH} y2={plotH} className="axis" />
        {points.map((p) =>
          p.v === null || max === 0 ? null : (
            <rect
              key={p.t}
              x={PAD_LEFT + ((p.t - from) / span) * (W - PAD_LEFT)}
              y={plotH - (p.v / max) * (plotH - 12)}
              width={barW}
              height={(p.v / max) * (plotH - 12)}
            >
              <title>{`${formatTime(p.t, zone).time} ${formatTime(p.t, zone).zone}: ${format(p.v)}`}</title>
            </rect>
          ),
        )}
        <text x={PAD_LEFT} y={10} className="chart-peak">
          peak {format(max)}
        </text>
        <text x={PAD_LEFT} y={H - 4} className="chart-tick">
          {start.time.slice(0, 5)} {start.zone}
        </text>
        <text x={W} y={H - 4} textAnchor="end" className="chart-tick">
          {end.time.slice(0, 5)} {end.zone}
        </text>
      </svg>
    </figure>
  );
}
