const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface FormattedTime {
  date: string;
  time: string;
  /** The zone as the user reads it: `UTC`, `CET`, `GMT+5:30`... */
  zone: string;
}

/** Epoch ms as `2026-11-22`, `12:49:03.123` and the zone's short name, in the given IANA zone. */
export function formatTime(epochMs: number, timeZone: string): FormattedTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond ?? '000'}`,
    zone: parts.timeZoneName ?? timeZone,
  };
}

/** `2026-11-22 12:49:03.123 UTC`. */
export function formatTimeText(epochMs: number, timeZone: string): string {
  const t = formatTime(epochMs, timeZone);
  return `${t.date} ${t.time} ${t.zone}`;
}
