import type { Page } from '@wisp/protocol';
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { useAsync } from './use-async.js';

export interface PagedList<T> {
  /** Undefined until the first page arrives. */
  items: T[] | undefined;
  error: Error | undefined;
  reload: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

/** A list read page by page through the API's cursor ("load more"). */
export function usePagedList<T>(load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>, deps: DependencyList): PagedList<T> {
  const first = useAsync((signal) => load(undefined, signal), deps);
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error>();
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    load(cursor).then(
      (page) => {
        setMore((m) => [...m, ...page.items]);
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (error: unknown) => {
        setMoreError(error as Error);
        setLoadingMore(false);
      },
    );
    // `load` is a fresh closure each render; the cursor says which page is next.
  }, [cursor, loadingMore]);

  return {
    items: first.data ? [...first.data.items, ...more] : undefined,
    error: first.error ?? moreError,
    reload: first.reload,
    hasMore: cursor !== null,
    loadingMore,
    loadMore,
  };
}
