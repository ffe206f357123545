import type { TraceSummary } from '@wisp/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from '../api/client.js';
import { viewQuery, type TraceView } from './trace-query.js';

const PAGE_SIZE = 50;
/** Live events within this window cause one refresh of the first page. */
const LIVE_COALESCE_MS = 150;
const LIVE_RECONNECT_MS = 1_000;

export interface TraceList {
  items: TraceSummary[];
  /** Ids that arrived through live mode, for a brief highlight. */
  arrived: ReadonlySet<string>;
  error: Error | undefined;
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Whether the live stream is connected. */
  connected: boolean;
}

/**
 * The traces table's data: the first page for a view, "load more" by cursor, and in live mode the
 * first page refreshed whenever the server announces a trace (new rows go on top, rows already
 * shown are updated in place). Filtering stays the server's job, so live rows obey every filter.
 */
export function useTraceList(view: TraceView, live: boolean): TraceList {
  const key = JSON.stringify(view);
  const [items, setItems] = useState<TraceSummary[]>([]);
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [connected, setConnected] = useState(false);
  const [generation, setGeneration] = useState(0);
  const viewRef = useRef(view);
  viewRef.current = view;
  const itemsRef = useRef(items);
  itemsRef.current = items;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    client.listTraces(viewQuery(viewRef.current, Date.now(), PAGE_SIZE), controller.signal).then(
      (page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setArrived(new Set());
        setError(undefined);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason as Error);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    client.listTraces({ ...viewQuery(viewRef.current, Date.now(), PAGE_SIZE), cursor }).then(
      (page) => {
        setItems((prev) => {
          const seen = new Set(prev.map((t) => t.traceId));
          return [...prev, ...page.items.filter((t) => !seen.has(t.traceId))];
        });
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (reason: unknown) => {
        setError(reason as Error);
        setLoadingMore(false);
      },
    );
  }, [cursor, loadingMore]);

  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    const { signal } = controller;
    const newestFirst = viewRef.current.sort === 'startTime' && viewRef.current.order === 'desc';
    let timer: ReturnType<typeof setTimeout> | undefined;
    let refreshing = false;
    let again = false;

    const refresh = async () => {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = true;
      try {
        const page = await client.listTraces(viewQuery(viewRef.current, Date.now(), PAGE_SIZE), signal);
        if (signal.aborted) return;
        const known = new Set(itemsRef.current.map((t) => t.traceId));
        const added = newestFirst ? page.items.filter((t) => !known.has(t.traceId)) : [];
        if (added.length) setArrived(new Set(added.map((t) => t.traceId)));
        setItems((prev) => {
          const fresh = new Map(page.items.map((t) => [t.traceId, t]));
          const updated = prev.map((t) => fresh.get(t.traceId) ?? t);
          const present = new Set(prev.map((t) => t.traceId));
          const newOnes = added.filter((t) => !present.has(t.traceId));
          return newOnes.length ? [...newOnes, ...updated] : updated;
        });
      } catch {
        // The next event retries.
      } finally {
        refreshing = false;
        if (again && !signal.aborted) {
          again = false;
          void refresh();
        }
      }
    };
    const onTrace = () => {
      if (!timer) timer = setTimeout(() => {
        timer = undefined;
        void refresh();
      }, LIVE_COALESCE_MS);
    };

    void (async () => {
      while (!signal.aborted) {
        try {
          setConnected(true);
          await client.live(onTrace, signal);
        } catch {
          // Disconnected: wait and reconnect.
        }
        setConnected(false);
        if (signal.aborted) break;
        await new Promise((resolve) => setTimeout(resolve, LIVE_RECONNECT_MS));
        void refresh();
      }
    })();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
      setConnected(false);
    };
  }, [live, key]);

  return {
    items,
    arrived,
    error,
    loading,
    hasMore: cursor !== null,
    loadingMore,
    loadMore,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
    connected,
  };
}
