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
