/**
 * A tiny router over the History API: the location is an external store that React reads with
 * `useSyncExternalStore`. Enough for a handful of pages; no dependency.
 */
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function subscribeToLocation(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `pathname + search`, the snapshot React compares. */
export function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/** Goes to a same-origin path such as `/traces?status=error`. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}
