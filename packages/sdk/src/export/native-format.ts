import { INGEST_PATH, type IngestBatch, type IngestResponse } from '@wisp/protocol';
import type { Rejections, WireFormat } from './wire-format.js';

/** The collector's native ingest: `POST /v1/ingest` with `{"events":[...]}`. */
export const nativeFormat: WireFormat = {
  path: INGEST_PATH,
  contentType: 'application/json',
  // The collector takes brotli: cheaper than gzip in CPU, and smaller (see compress-body.ts).
  defaultCompression: 'br',
  encodeEvent: (event) => JSON.stringify(event),
  overheadBytes: 16,
  frame: { open: '{"events":[', separator: ',', close: ']}' },
  wrap: (pieces) => `{"events":[${pieces.join(',')}]}`,
  // JSON.stringify of the array, without its brackets: the events joined by commas.
  encodeRun: (events) => JSON.stringify(events).slice(1, -1),
  decodeAll: (body) => (JSON.parse(body) as IngestBatch).events,
  rejections(body): Rejections {
    if (!body.includes('"rejected"')) return { count: 0 };
    try {
      const answer = JSON.parse(body) as Partial<IngestResponse>;
      const indexes = Array.isArray(answer.errors) ? answer.errors.map((e) => e.index) : [];
      return { indexes, count: Math.max(Number(answer.rejected) || 0, indexes.length) };
    } catch {
      // The body was cut at the read cap: the count comes before the error list, so it survives.
      const match = /"rejected"\s*:\s*(\d+)/.exec(body);
      return { count: match ? Number(match[1]) : 0 };
    }
  },
};
