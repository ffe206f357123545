import { useMemo } from 'react';
import { knownTimeZones, timeZoneSetting } from '../settings/time-zone.js';
import { useLocalSetting } from '../settings/local-setting.js';

/** UTC, the browser's zone, or any IANA zone; remembered in localStorage. */
export function TimeZonePicker() {
  const choice = useLocalSetting(timeZoneSetting);
  const zones = useMemo(() => knownTimeZones(), []);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <label className="compact-picker">
      <span className="sr-only">Time zone</span>
      <select value={choice} onChange={(e) => timeZoneSetting.set(e.target.value)} data-testid="time-zone" title="Time zone of every timestamp">
        <option value="UTC">UTC</option>
        <option value="local">Local ({local})</option>
        {choice !== 'UTC' && choice !== 'local' && !zones.includes(choice) ? <option value={choice}>{choice}</option> : null}
        <optgroup label="All zones">
          {zones
            .filter((z) => z !== 'UTC')
            .map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
        </optgroup>
      </select>
    </label>
  );
}
