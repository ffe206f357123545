import { useSyncExternalStore } from 'react';

/** A string setting kept in localStorage and shared by every component that reads it. */
export interface LocalSetting<T extends string> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function localSetting<T extends string>(name: string, fallback: T, valid: (v: string) => v is T): LocalSetting<T> {
  const listeners = new Set<() => void>();
  let value: T = fallback;
  try {
    const stored = localStorage.getItem(name);
    if (stored !== null && valid(stored)) value = stored;
  } catch {
    // No storage: the default holds until reload.
  }
  return {
    get: () => value,
    set(next) {
      value = next;
      try {
        localStorage.setItem(name, next);
      } catch {
        // Kept in memory only.
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useLocalSetting<T extends string>(setting: LocalSetting<T>): T {
  return useSyncExternalStore(setting.subscribe, setting.get);
}
