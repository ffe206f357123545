import { formatTime } from '../format/time.js';
import { useTimeZone } from '../settings/time-zone.js';

/** A point in time in the user's chosen zone, always with the zone's name. */
export function TimeStamp({ ms, dateless = false }: { ms: number | null | undefined; dateless?: boolean }) {
  const zone = useTimeZone();
  if (ms === null || ms === undefined) return <span className="muted">—</span>;
  const t = formatTime(ms, zone);
  return (
    <time className="timestamp" dateTime={new Date(ms).toISOString()} title={`${t.date} ${t.time} ${t.zone} (${zone})`}>
      {dateless ? '' : `${t.date} `}
      {t.time} <span className="tz">{t.zone}</span>
    </time>
  );
}
