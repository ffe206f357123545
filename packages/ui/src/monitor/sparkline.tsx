/** A tiny SVG line of `values` over time (`times`, epoch ms) within [from, to]. */
export function Sparkline({
  times,
  values,
  from,
  to,
  width = 120,
  height = 28,
  className = '',
  label,
}: {
  times: number[];
  values: Array<number | null>;
  from: number;
  to: number;
  width?: number;
  height?: number;
  className?: string;
  label: string;
}) {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const x = (t: number) => ((t - from) / Math.max(1, to - from)) * width;
  const y = (v: number) => height - 2 - (max > 0 ? (v / max) * (height - 4) : 0);
  const points = times
    .map((t, i) => (values[i] === null || values[i] === undefined ? null : `${x(t).toFixed(1)},${y(values[i]!).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <svg className={`sparkline ${className}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line x1={0} x2={width} y1={height - 1} y2={height - 1} className="sparkline-base" />
      {times.length === 1 ? <circle cx={x(times[0]!)} cy={y(values[0] ?? 0)} r={2} /> : <polyline points={points} />}
    </svg>
  );
}
