import { localSetting } from './local-setting.js';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const themeSetting = localSetting<Theme>('wisp.theme', 'system', (v): v is Theme =>
  (THEMES as readonly string[]).includes(v),
);

/** Reflects the setting on `<html data-theme>`; `system` leaves it to prefers-color-scheme. */
export function applyTheme(theme: Theme = themeSetting.get()): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
