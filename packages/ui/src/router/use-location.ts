import { useMemo, useSyncExternalStore } from 'react';
import { currentLocation, subscribeToLocation } from './history.js';

export interface Location {
  path: string;
  query: URLSearchParams;
  /** `pathname + search`, handy as an effect dependency. */
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribeToLocation, currentLocation);
  return useMemo(() => {
    const url = new URL(href, 'http://wisp.invalid');
    return { path: url.pathname, query: url.searchParams, href };
  }, [href]);
}
