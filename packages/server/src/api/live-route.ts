/**
 * `GET /api/v1/live`: server-sent events telling a dashboard which traces changed. Built for fetch
 * readers (the dashboard sends an Authorization header, which EventSource cannot), and works with
 * EventSource too. Each event is `data: {"type":"trace","trace":TraceSummary}`.
 *
 * Per client: trace ids touched by commits are coalesced into a bounded set and flushed at most
 * every `flushIntervalMs` (so a trace written 1,000 times a second costs one event per flush); when
 * the socket is slow the flush waits for `drain`, and past `maxPending` ids the oldest are
 * forgotten (the dashboard reloads the list when it reconnects). Heartbeat comments keep proxies
 * from closing an idle stream. Everything is released when the client goes away or the server
 * closes.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type LiveTraceEvent } from '@wisp/protocol';
import type { CommitFeed } from '../http/commit-feed.js';
import type { TraceReader } from '../store/store.js';
import { MAX_PAGE_SIZE } from './params.js';
import { projectOf } from './project-of.js';
import { parseQuery } from './query-params.js';

export interface LiveOptions {
  /** Shortest time between two flushes to one client. @default 250 */
  flushIntervalMs?: number;
  /** Interval of heartbeat comments. @default 15000 */
  heartbeatMs?: number;
  /** Trace ids waiting per client beyond which the oldest are forgotten. @default 1000 */
  maxPending?: number;
}

export const LIVE_DEFAULTS = { flushIntervalMs: 250, heartbeatMs: 15_000, maxPending: 1_000 } as const;

export function registerLiveRoute(app: FastifyInstance, store: TraceReader, commits: CommitFeed, options: LiveOptions = {}): void {
  const flushIntervalMs = options.flushIntervalMs ?? LIVE_DEFAULTS.flushIntervalMs;
  const heartbeatMs = options.heartbeatMs ?? LIVE_DEFAULTS.heartbeatMs;
  const maxPending = options.maxPending ?? LIVE_DEFAULTS.maxPending;
  const open = new Set<() => void>();

  // Open streams would keep server.close() waiting forever.
  app.addHook('preClose', (done) => {
    for (const close of [...open]) close();
    done();
  });

  // No HEAD twin: a HEAD request would open a stream that never sends a body.
  app.get(`${API_PREFIX}/live`, { exposeHeadRoute: false }, (request, reply) => {
    const projectId = projectOf(request);
    parseQuery(request.query, {});
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // The stream is the connection's last response: closing the socket when it ends lets the
      // server shut down at once instead of waiting for clients' keep-alive timeouts.
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');

    const pending = new Set<string>();
    let closed = false;
    let flushing = false;
    let timer: NodeJS.Timeout | undefined;
    let lastFlush = 0;

    const schedule = () => {
      if (closed || timer !== undefined || flushing || pending.size === 0 || res.writableNeedDrain) return;
      timer = setTimeout(flush, Math.max(0, lastFlush + flushIntervalMs - Date.now()));
      timer.unref();
    };
    const flush = async () => {
      timer = undefined;
      if (closed) return;
      flushing = true;
      lastFlush = Date.now();
      const ids = [...pending].slice(0, MAX_PAGE_SIZE);
      for (const id of ids) pending.delete(id);
      try {
        const page = await store.listTraces(projectId, { traceIds: ids, limit: MAX_PAGE_SIZE });
        if (!closed && page.items.length > 0) {
          res.write(page.items.map((trace) => `data: ${JSON.stringify({ type: 'trace', trace } satisfies LiveTraceEvent)}\n\n`).join(''));
        }
      } catch (err) {
        request.log.warn({ err }, 'live view: reading changed traces failed');
      } finally {
        flushing = false;
        schedule();
      }
    };
    const unsubscribe = commits.subscribe((committedProject, traceIds) => {
      if (committedProject !== projectId || closed) return;
      for (const id of traceIds) {
        pending.delete(id);
        pending.add(id);
      }
      // Forget the oldest ids past the bound: memory per client stays fixed under any load.
      for (const id of pending) {
        if (pending.size <= maxPending) break;
        pending.delete(id);
      }
      schedule();
    });
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': heartbeat\n\n');
    }, heartbeatMs);
    heartbeat.unref();

    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(timer);
      pending.clear();
      // End the stream cleanly (fetch readers see `done`), then drop the socket: a client that
      // went away, or idles on keep-alive, must not hold the server's shutdown.
      res.end(() => res.socket?.destroy());
    };
    open.add(close);
    res.on('drain', schedule);
    res.on('close', close);
    request.raw.on('close', () => {
      if (request.raw.destroyed) close();
    });
  });
}
