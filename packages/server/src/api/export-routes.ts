/**
 * `GET /api/v1/export/traces.ndjson` and `/export/traces.csv`: streamed, so memory stays flat
 * whatever the count; the next trace is read only when the socket has taken the previous ones
 * (Readable.from pulls on demand), and a client that goes away stops the reads.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type TraceListQuery, type TraceSummary } from '@wisp/protocol';
import type { TraceReader } from '../store/store.js';
import { csvRow } from './csv.js';
import { EXPORT_PARAMS, MAX_EXPORT_TRACES, MAX_PAGE_SIZE, parseTraceQuery } from './params.js';
import { projectOf } from './project-of.js';

export const CSV_COLUMNS = [
  'traceId',
  'name',
  'startTime',
  'endTime',
  'durationMs',
  'status',
  'userId',
  'sessionId',
  'tags',
  'release',
  'environment',
  'service',
  'spanCount',
  'errorCount',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cost',
  'inputPreview',
  'outputPreview',
] as const;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function csvLine(t: TraceSummary): string {
  return csvRow([
    t.traceId,
    t.name,
    iso(t.startTime),
    iso(t.endTime),
    t.durationMs,
    t.status,
    t.userId,
    t.sessionId,
    t.tags.join(' '),
    t.release,
    t.environment,
    t.service,
    t.spanCount,
    t.errorCount,
    t.inputTokens,
    t.outputTokens,
    t.totalTokens,
    t.cost,
    t.inputPreview,
    t.outputPreview,
  ]);
}

async function* csvLines(store: TraceReader, projectId: string, query: TraceListQuery, first: { items: TraceSummary[]; nextCursor: string | null }): AsyncGenerator<string> {
  let remaining = query.limit ?? MAX_EXPORT_TRACES;
  let page = first;
  yield csvRow([...CSV_COLUMNS]);
  for (;;) {
    for (const t of page.items.slice(0, remaining)) yield csvLine(t);
    remaining -= page.items.length;
    if (remaining <= 0 || page.nextCursor === null) return;
    page = await store.listTraces(projectId, { ...query, limit: Math.min(MAX_PAGE_SIZE, remaining), cursor: page.nextCursor });
  }
}

export function registerExportRoutes(app: FastifyInstance, store: TraceReader): void {
  // No HEAD twins: a HEAD request would run a whole export to send no body.
  app.get(`${API_PREFIX}/export/traces.ndjson`, { exposeHeadRoute: false }, async (request, reply) => {
    const projectId = projectOf(request);
    const query = parseTraceQuery(request.query, EXPORT_PARAMS);
    const traces = store.exportTraces(projectId, { ...query, limit: query.limit ?? MAX_EXPORT_TRACES })[Symbol.asyncIterator]();
    // Read the first trace before answering, so that a bad query is still a proper 4xx/503.
    const first = await traces.next();
    async function* lines(): AsyncGenerator<string> {
      try {
        if (first.done) return;
        yield `${JSON.stringify(first.value)}\n`;
        for (let r = await traces.next(); !r.done; r = await traces.next()) yield `${JSON.stringify(r.value)}\n`;
      } finally {
        await traces.return?.();
      }
    }
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="traces.ndjson"')
      .send(Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 }));
  });

  app.get(`${API_PREFIX}/export/traces.csv`, { exposeHeadRoute: false }, async (request, reply) => {
    const projectId = projectOf(request);
    const query = parseTraceQuery(request.query, EXPORT_PARAMS);
    const limit = query.limit ?? MAX_EXPORT_TRACES;
    const first = await store.listTraces(projectId, { ...query, limit: Math.min(MAX_PAGE_SIZE, limit) });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="traces.csv"')
      .send(Readable.from(csvLines(store, projectId, { ...query, limit }, first), { objectMode: false, highWaterMark: 64 * 1024 }));
  });
}
