import { useEffect } from 'react';
import { useLocalSetting } from '../settings/local-setting.js';
import { applyTheme, themeSetting, THEMES, type Theme } from '../settings/theme.js';

const LABELS: Record<Theme, string> = { system: 'Auto theme', light: 'Light', dark: 'Dark' };

/** Light, dark, or follow the system (prefers-color-scheme). */
export function ThemeToggle() {
  const theme = useLocalSetting(themeSetting);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <label className="compact-picker theme-picker">
      <span className="sr-only">Theme</span>
      <select value={theme} onChange={(e) => themeSetting.set(e.target.value as Theme)} data-testid="theme">
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {LABELS[t]}
          </option>
        ))}
      </select>
    </label>
  );
}
