import { localSetting, useLocalSetting } from './local-setting.js';

/** `UTC`, `local` (the browser's zone) or any IANA zone name. */
export type TimeZoneChoice = string;

export function isValidTimeZone(zone: string): boolean {
  if (zone === 'local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSetting = localSetting<TimeZoneChoice>('wisp.timeZone', 'UTC', (v): v is string =>
  isValidTimeZone(v),
);

/** The IANA name a choice stands for (`local` resolved to the browser's zone). */
export function resolveTimeZone(choice: TimeZoneChoice): string {
  return choice === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : choice;
}

export function useTimeZone(): string {
  return resolveTimeZone(useLocalSetting(timeZoneSetting));
}

/** Every zone the browser knows, for the picker. */
export function knownTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
