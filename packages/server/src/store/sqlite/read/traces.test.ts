import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanEvent, TraceListQuery } from '@wisp/protocol';
import { SqliteStore } from '../sqlite-store.js';
import { listTraces } from './traces.js';
import type { ReadOptions } from './deadline.js';

let dir: string;
let store: SqliteStore;
const T0 = Date.UTC(2026, 2, 1);
const WORDS = ['refund policy', 'weather', 'invoice', 'shipping delay'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wisp-read-'));
  store = new SqliteStore({ path: join(dir, 'w.db') });
  await store.migrate();
  const spans: SpanEvent[] = [];
  for (let i = 0; i < 3_000; i++) {
    // Start order differs from arrival order (ids): windows of the start index span wide id ranges.
    const start = T0 + ((i * 7919) % 3_000) * 1_000;
    spans.push({
      type: 'span', phase: 'full', traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), time: start + 10,
      name: `agent-${i % 5}`, kind: 'agent', startTime: start, endTime: start + 10 + (i % 17), status: i % 9 === 0 ? 'error' : 'ok',
      input: `Question about ${WORDS[i % 4]} #${i}`, trace: { userId: `u${i % 13}` },
    });
  }
  await store.write([{ projectId: 'p', spans, reports: [] }]);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function summaries(q: TraceListQuery, options: ReadOptions = {}) {
  const out = [];
  let cursor: string | undefined;
  for (;;) {
    const page = listTraces(store.db, 'p', { ...q, limit: 40, ...(cursor ? { cursor } : {}) }, options);
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
}
const all = (q: TraceListQuery, options: ReadOptions = {}) => summaries(q, options).map((t) => t.traceId);

describe('listTraces search plans', () => {
  it.each([
    [{ search: 'refund' }],
    [{ search: 'REFUND POLICY' }],
    [{ search: 'refund', userId: 'u3' }],
    [{ search: 'weather', status: 'error' as const }],
    [{ search: 'invoice', sort: 'durationMs' as const, order: 'asc' as const }],
    [{ search: 'about', sort: 'startTime' as const, order: 'asc' as const }],
  ])('gives the same pages with per-window trigram checks as with listed hits: %j', (q) => {
    const listed = all(q);
    expect(listed.length).toBeGreaterThan(10);
    expect(all(q, { searchHitsCap: 5 })).toEqual(listed);
    const needle = q.search.toLowerCase();
    const brute = summaries({ ...q, search: undefined }).filter((t) => `${t.name} ${t.inputPreview} ${t.outputPreview}`.toLowerCase().includes(needle));
    expect(listed).toEqual(brute.map((t) => t.traceId));
  });
});

describe('time limits', () => {
  it('returns partial pages with a cursor past the scan budget, and the pages add up to the full answer', () => {
    let clock = 0;
    const slow: ReadOptions = { now: () => (clock += 2_000) };
    // Sorted by duration, the walk follows traces_by_duration and checks user and status per row:
    // matches are rare (1 in 117), so the first window cannot fill a page.
    const q: TraceListQuery = { sort: 'durationMs', userId: 'u5', status: 'error' };
    const full = all(q);
    expect(full.length).toBeGreaterThan(0);
    const pieces: string[] = [];
    let partial = 0;
    let cursor: string | undefined;
    for (let guard = 0; guard < 1_000; guard++) {
      const page = listTraces(store.db, 'p', { ...q, limit: 40, ...(cursor ? { cursor } : {}) }, { ...slow, timeoutMs: 1e12 });
      pieces.push(...page.items.map((t) => t.traceId));
      if (page.nextCursor === null) break;
      if (page.items.length < 40) partial++;
      cursor = page.nextCursor;
    }
    expect(partial).toBeGreaterThan(0);
    expect(pieces).toEqual(full);
  });

  it('answers WISP_ERR_QUERY_TIMEOUT when a read passes its deadline', async () => {
    const { metrics } = await import('./metrics.js');
    const { getTrace } = await import('./trace-detail.js');
    let clock = 0;
    const options: ReadOptions = { now: () => (clock += 1_000), timeoutMs: 500 };
    const from = T0;
    const to = T0 + 3_600_000;
    expect(() => metrics(store.db, 'p', { from, to, bucketMs: 60_000 }, options)).toThrow(expect.objectContaining({ code: 'WISP_ERR_QUERY_TIMEOUT', status: 503 }));
    const traceId = (1).toString(16).padStart(32, '0');
    expect(() => getTrace(store.db, 'p', traceId, options)).toThrow(expect.objectContaining({ code: 'WISP_ERR_QUERY_TIMEOUT' }));
    expect(getTrace(store.db, 'p', traceId)?.trace.traceId).toBe(traceId);
  });
});
