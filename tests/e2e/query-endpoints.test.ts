/**
 * Sessions, users, exports (NDJSON and CSV), SDK health, pricing and the live stream, against a
 * real collector filled through native ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent, SessionDetail, SpanEvent, TraceDetail, TraceSummary, UserSummary } from '@wisp/protocol';
import { expectedTraces, makeTraces, traceIdOf, type ExpectedTrace } from './query-fixtures.js';
import { startQueryServer, type QueryServer } from './query-harness.js';

const START = Date.UTC(2026, 1, 3, 9, 0, 0);
let server: QueryServer;
let events: SpanEvent[];
let expected: Map<string, ExpectedTrace>;

beforeAll(async () => {
  server = await startQueryServer();
  events = makeTraces({ traces: 120, start: START, gapMs: 30_000, seed: 5 });
  expected = expectedTraces(events);
  await server.ingest(events);
});

afterAll(async () => {
  await server?.close();
});

async function pages<T>(path: string, limit: number): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const res = await server.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

function group(key: (t: ExpectedTrace) => string): Map<string, ExpectedTrace[]> {
  const m = new Map<string, ExpectedTrace[]>();
  for (const t of expected.values()) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

describe('sessions and users', () => {
  it('lists sessions by last activity with totals over their traces, page by page', async () => {
    const sessions = await pages<{ sessionId: string; traceCount: number; lastTime: number; cost: number; totalTokens: number; userIds: string[] }>('/api/v1/sessions', 4);
    const bySession = group((t) => t.sessionId);
    expect(sessions.map((s) => s.sessionId).sort()).toEqual([...bySession.keys()].sort());
    for (let i = 1; i < sessions.length; i++) expect(sessions[i - 1]!.lastTime).toBeGreaterThanOrEqual(sessions[i]!.lastTime);
    for (const s of sessions) {
      const traces = bySession.get(s.sessionId)!;
      expect(s.traceCount).toBe(traces.length);
      expect(s.lastTime).toBe(Math.max(...traces.map((t) => t.startTime)));
      expect(s.totalTokens).toBe(traces.reduce((n, t) => n + t.totalTokens, 0));
      expect(s.cost).toBeCloseTo(traces.reduce((n, t) => n + t.cost, 0), 12);
      expect(s.userIds.sort()).toEqual([...new Set(traces.map((t) => t.userId))].sort());
    }
    const recent = await pages<{ sessionId: string }>(`/api/v1/sessions?from=${START + 119 * 30_000}`, 50);
    expect(recent.map((s) => s.sessionId)).toEqual([expected.get(traceIdOf(119))!.sessionId]);
  });

  it("returns a session's traces in start order", async () => {
    const res = await server.get('/api/v1/sessions/session-3');
    expect(res.status).toBe(200);
    const detail = res.body as SessionDetail;
    const want = group((t) => t.sessionId).get('session-3')!.sort((a, b) => a.startTime - b.startTime);
    expect(detail.traces.map((t) => t.traceId)).toEqual(want.map((t) => t.traceId));
    expect(detail.session.spanCount).toBe(want.reduce((n, t) => n + t.spanCount, 0));
    expect((await server.get('/api/v1/sessions/no-such-session')).status).toBe(404);
  });

  it("lists users and answers a user's usage", async () => {
    const users = await pages<UserSummary>('/api/v1/users', 3);
    const byUser = group((t) => t.userId);
    expect(users.map((u) => u.userId).sort()).toEqual([...byUser.keys()].sort());
    for (const u of users) {
      const traces = byUser.get(u.userId)!;
      expect(u.traceCount).toBe(traces.length);
      expect(u.sessionCount).toBe(new Set(traces.map((t) => t.sessionId)).size);
      expect(u.inputTokens).toBe(traces.reduce((n, t) => n + t.inputTokens, 0));
      expect(u.errorCount).toBe(traces.reduce((n, t) => n + t.errorCount, 0));
    }
    const one = await server.get('/api/v1/users/user-4');
    expect(one.body).toEqual(users.find((u) => u.userId === 'user-4'));
    expect((await server.get('/api/v1/users/nobody')).status).toBe(404);
  });
});

/** RFC 4180 parsing, enough for the test: quoted cells with "" escapes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('exports', () => {
  it('streams NDJSON: one full trace with payloads per line, filtered and capped', async () => {
    const res = await server.get('/api/v1/export/traces.ndjson?userId=user-2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as TraceDetail);
    const want = [...expected.values()].filter((t) => t.userId === 'user-2').sort((a, b) => b.startTime - a.startTime);
    expect(lines.map((l) => l.trace.traceId)).toEqual(want.map((t) => t.traceId));
    const first = lines[0]!;
    const sent = events.filter((e) => e.traceId === first.trace.traceId);
    expect(first.observations).toHaveLength(sent.length);
    for (const o of first.observations as Array<TraceDetail['observations'][number] & { input: unknown; output: unknown }>) {
      expect(o.input).toEqual(sent.find((e) => e.spanId === o.spanId)!.input ?? null);
    }
    const capped = await server.get('/api/v1/export/traces.ndjson?limit=7');
    expect(capped.text.trim().split('\n')).toHaveLength(7);
  });

  it('writes CSV with quoting and spreadsheet formulas neutralized', async () => {
    const t0 = START + 10 * 3_600_000;
    const hostile: IngestEvent[] = [
      { type: 'span', phase: 'full', traceId: 'cc'.repeat(16), spanId: 'cc'.repeat(8), time: t0, name: '=HYPERLINK("http://evil","x")', kind: 'agent', startTime: t0, endTime: t0 + 5, status: 'ok', input: '+cmd|calc', output: 'a, "quoted"\nline', trace: { userId: '@user', tags: ['-1+2'] } },
    ];
    await server.ingest(hostile);
    const res = await server.get(`/api/v1/export/traces.csv?from=${t0}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(res.text);
    expect(rows).toHaveLength(2);
    const [header, row] = rows as [string[], string[]];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('name')).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(cell('inputPreview')).toBe("'+cmd|calc");
    expect(cell('outputPreview')).toBe('a, "quoted"\nline');
    expect(cell('userId')).toBe("'@user");
    expect(cell('tags')).toBe("'-1+2");
    expect(cell('traceId')).toBe('cc'.repeat(16));
    const all = parseCsv((await server.get('/api/v1/export/traces.csv')).text);
    expect(all).toHaveLength(1 + expected.size + 1);
    const summaries = (await server.get('/api/v1/traces?limit=3')).body.items as TraceSummary[];
    expect(all.slice(1, 4).map((r) => r[0])).toEqual(summaries.map((t) => t.traceId));
  });
});

describe('GET /api/v1/sdk-health', () => {
  it('sums per-instance deltas of the cumulative reports, per service', async () => {
    const t = START + 20 * 60_000;
    const report = (instanceId: string, time: number, created: number, sent: number, dropped: Record<string, number>, failed: Record<string, number>, service = 'checkout'): IngestEvent => ({
      type: 'sdk_report', time, service, instanceId, sdkVersion: '0.1.0', created, sent, queued: 0, inFlight: 0, dropped, failedRequests: failed,
    });
    await server.ingest([
      report('i1', t, 10, 8, { queue_full: 2 }, {}),
      report('i1', t + 60_000, 25, 20, { queue_full: 3, too_large: 1 }, { timeout: 2 }),
      report('i2', t + 60_000, 5, 5, {}, {}),
      report('i3', t + 30_000, 7, 7, {}, {}, 'search'),
    ]);
    const all = await server.get(`/api/v1/sdk-health?from=${t - 60_000}&to=${t + 120_000}&bucketMs=60000`);
    expect(all.status).toBe(200);
    const checkout = all.body.items.find((r: { service: string }) => r.service === 'checkout');
    expect(checkout).toMatchObject({ instances: 2, created: 30, sent: 25, dropped: { queue_full: 3, too_large: 1 }, failedRequests: { timeout: 2 }, lastSeen: t + 60_000 });
    expect(checkout.series).toEqual([
      { t, created: 10, sent: 8, dropped: 2, failed: 0 },
      { t: t + 60_000, created: 20, sent: 17, dropped: 2, failed: 2 },
    ]);
    expect(all.body.items.map((r: { service: string }) => r.service)).toEqual(['checkout', 'search']);
    // From after the first report of i1: that report is the baseline.
    const later = await server.get(`/api/v1/sdk-health?from=${t + 1}&to=${t + 120_000}`);
    expect(later.body.items.find((r: { service: string }) => r.service === 'checkout')).toMatchObject({ created: 20, sent: 17, dropped: { queue_full: 1, too_large: 1 } });
  });
});

describe('GET /api/v1/pricing', () => {
  it('returns the built-in price table with its source and dates', async () => {
    const res = await server.get('/api/v1/pricing');
    expect(res.status).toBe(200);
    expect(res.body.source.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.body.models.length).toBeGreaterThan(20);
    expect(res.body.models.find((m: { model: string }) => m.model === 'gpt-4o-mini')).toMatchObject({ vendor: 'openai', effectiveFrom: expect.stringMatching(/^\d{4}-/) });
  });
});

describe('GET /api/v1/live', () => {
  it('pushes changed traces as server-sent events to a fetch reader, coalesced', async () => {
    const controller = new AbortController();
    const giveUp = setTimeout(() => controller.abort(), 15_000);
    const res = await fetch(`${server.url}/api/v1/live`, { headers: { authorization: `Bearer ${server.keyA}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const received: TraceSummary[] = [];
    const readUntil = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) {
            const event = JSON.parse(data) as { type: string; trace: TraceSummary };
            expect(event.type).toBe('trace');
            received.push(event.trace);
          }
        }
      }
    };
    await readUntil(() => true);
    // One trace updated 20 times in quick succession: a handful of events, the last one current.
    const traceId = 'dd'.repeat(16);
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await server.ingest([{ type: 'span', phase: 'full', traceId, spanId: (i + 1).toString(16).padStart(16, '0'), time: t0 + i, name: `step-${i}`, kind: 'span', startTime: t0 + i, endTime: t0 + i + 1, status: 'ok', ...(i > 0 ? { parentId: '0000000000000001' } : {}) }]);
    }
    await readUntil(() => received.some((t) => t.traceId === traceId && t.spanCount === 20));
    const forTrace = received.filter((t) => t.traceId === traceId);
    expect(forTrace.length).toBeLessThan(20);
    expect(forTrace.length).toBeGreaterThanOrEqual(1);
    clearTimeout(giveUp);
    controller.abort();
  });
});
