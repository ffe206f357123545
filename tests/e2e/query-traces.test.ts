/**
 * The trace endpoints of the query API against a real collector filled through native ingest:
 * every filter and sort against a direct computation over the events sent, keyset pagination
 * (complete, no duplicates, stable while new traces arrive), facets, trace detail (subtree totals,
 * critical path, children that arrived before their parent), and observation payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, SpanEvent, TraceDetail, TraceSummary } from '@wisp/protocol';
import { expectedTraces, makeTraces, spanIdOf, traceIdOf, type ExpectedTrace } from './query-fixtures.js';
import { startQueryServer, type QueryServer } from './query-harness.js';

const START = Date.UTC(2026, 0, 10, 8, 0, 0);
const N = 300;
let server: QueryServer;
let events: SpanEvent[];
let expected: Map<string, ExpectedTrace>;

async function listAll(query: string, limit = 37): Promise<TraceSummary[]> {
  const out: TraceSummary[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1_000; guard++) {
    const sep = query ? '&' : '';
    const res = await server.get(`/api/v1/traces?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    const page = res.body as Page<TraceSummary>;
    out.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error('pagination did not end');
}

/** Names of every span of a trace, from the events sent. */
function spanNames(traceId: string): Set<string> {
  return new Set(events.filter((e) => e.traceId === traceId && e.name !== undefined).map((e) => e.name!));
}

function ids(list: Array<{ traceId: string }>): string[] {
  return list.map((t) => t.traceId);
}

function expectedIds(pred: (t: ExpectedTrace) => boolean, sort: (a: ExpectedTrace, b: ExpectedTrace) => number = (a, b) => b.startTime - a.startTime): string[] {
  return [...expected.values()].filter(pred).sort(sort).map((t) => t.traceId);
}

beforeAll(async () => {
  server = await startQueryServer();
  events = makeTraces({ traces: N, start: START, gapMs: 10_000, seed: 7 });
  expected = expectedTraces(events);
  await server.ingest(events);
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/v1/traces', () => {
  it('lists every trace newest first, with totals equal to the events sent', async () => {
    const all = await listAll('');
    expect(ids(all)).toEqual(expectedIds(() => true));
    for (const t of all) {
      const e = expected.get(t.traceId)!;
      expect(t).toMatchObject({
        name: e.name,
        startTime: e.startTime,
        endTime: e.endTime,
        durationMs: e.durationMs,
        status: e.status,
        userId: e.userId,
        sessionId: e.sessionId,
        release: e.release,
        environment: e.environment,
        spanCount: e.spanCount,
        errorCount: e.errorCount,
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        totalTokens: e.totalTokens,
      });
      expect([...t.tags].sort()).toEqual(e.tags);
      expect(t.cost).toBeCloseTo(e.cost, 12);
    }
  });

  it.each([
    ['name=agent:support', (t: ExpectedTrace) => t.name === 'agent:support'],
    ['status=error', (t: ExpectedTrace) => t.status === 'error'],
    ['status=ok', (t: ExpectedTrace) => t.status === 'ok'],
    ['kind=retriever', (t: ExpectedTrace) => t.kinds.has('retriever')],
    ['kind=generation', (t: ExpectedTrace) => t.kinds.has('generation')],
    ['userId=user-3', (t: ExpectedTrace) => t.userId === 'user-3'],
    ['sessionId=session-4', (t: ExpectedTrace) => t.sessionId === 'session-4'],
    ['tags=even', (t: ExpectedTrace) => t.tags.includes('even')],
    ['tags=even&tags=mod3-1', (t: ExpectedTrace) => t.tags.includes('even') && t.tags.includes('mod3-1')],
    ['release=v2', (t: ExpectedTrace) => t.release === 'v2'],
    ['environment=staging', (t: ExpectedTrace) => t.environment === 'staging'],
    ['model=gpt-4.1', (t: ExpectedTrace) => t.models.has('gpt-4.1')],
    ['minLatencyMs=2000', (t: ExpectedTrace) => t.durationMs >= 2000],
    ['maxLatencyMs=1500', (t: ExpectedTrace) => t.durationMs <= 1500],
    ['minLatencyMs=1000&maxLatencyMs=3000', (t: ExpectedTrace) => t.durationMs >= 1000 && t.durationMs <= 3000],
    ['minCost=0.002', (t: ExpectedTrace) => t.cost >= 0.002],
    [`from=${START + 1_000_000}&to=${START + 2_000_000}`, (t: ExpectedTrace) => t.startTime >= START + 1_000_000 && t.startTime <= START + 2_000_000],
    ['userId=user-3&model=gpt-4o-mini', (t: ExpectedTrace) => t.userId === 'user-3' && t.models.has('gpt-4o-mini')],
    ['tags=mod3-2&status=error&environment=production', (t: ExpectedTrace) => t.tags.includes('mod3-2') && t.status === 'error' && t.environment === 'production'],
    [`sessionId=session-2&from=${START + 500_000}`, (t: ExpectedTrace) => t.sessionId === 'session-2' && t.startTime >= START + 500_000],
    ['name=agent:planner&kind=tool&release=v1', (t: ExpectedTrace) => t.name === 'agent:planner' && t.kinds.has('tool') && t.release === 'v1'],
    ['spanName=retrieve', (t: ExpectedTrace) => spanNames(t.traceId).has('retrieve')],
    ['spanName=tool%3Asearch&status=error', (t: ExpectedTrace) => spanNames(t.traceId).has('tool:search') && t.status === 'error'],
  ])('filters %s', async (query, pred) => {
    const got = ids(await listAll(query, 13));
    const want = expectedIds(pred);
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });

  it('searches names, inputs and outputs case-insensitively, short needles too', async () => {
    const all = await listAll('');
    for (const needle of ['NUMBER 19', 'answer number 2', 'for user-5', '7 f', 'zz-no-such-text', '%', '_']) {
      const want = all
        .filter((t) => `${t.name} ${t.inputPreview} ${t.outputPreview}`.toLowerCase().includes(needle.toLowerCase()))
        .map((t) => t.traceId);
      const got = ids(await listAll(`search=${encodeURIComponent(needle)}`, 50));
      expect(got, needle).toEqual(want);
    }
    expect(ids(await listAll('search=NUMBER%2019')).length).toBeGreaterThan(5);
  });

  it.each([
    ['durationMs', 'desc', (a: ExpectedTrace, b: ExpectedTrace) => b.durationMs - a.durationMs],
    ['durationMs', 'asc', (a: ExpectedTrace, b: ExpectedTrace) => a.durationMs - b.durationMs],
    ['cost', 'desc', (a: ExpectedTrace, b: ExpectedTrace) => b.cost - a.cost],
    ['totalTokens', 'asc', (a: ExpectedTrace, b: ExpectedTrace) => a.totalTokens - b.totalTokens],
    ['startTime', 'asc', (a: ExpectedTrace, b: ExpectedTrace) => a.startTime - b.startTime],
  ])('sorts by %s %s through every page', async (sort, order, cmp) => {
    const got = await listAll(`sort=${sort}&order=${order}`, 29);
    expect(new Set(ids(got)).size).toBe(N);
    const values = got.map((t) => expected.get(t.traceId)!);
    for (let i = 1; i < values.length; i++) expect(cmp(values[i - 1]!, values[i]!)).toBeLessThanOrEqual(1e-12);
  });

  it('keeps pages stable while new traces arrive', async () => {
    const first = await server.get('/api/v1/traces?limit=20');
    // New traces, newer and older than the page, land between the requests.
    const more = makeTraces({ traces: 5, start: START + N * 10_000, gapMs: 1, seed: 99, salt: 1 });
    more.push(...makeTraces({ traces: 5, start: START - 100_000, gapMs: 1, seed: 98, salt: 2 }));
    const second = await server.get(`/api/v1/traces?limit=20&cursor=${first.body.nextCursor}`);
    await server.ingest(more);
    const third = await server.get(`/api/v1/traces?limit=20&cursor=${second.body.nextCursor}`);
    const want = expectedIds(() => true);
    expect([...ids(first.body.items), ...ids(second.body.items), ...ids(third.body.items)]).toEqual(want.slice(0, 60));
    for (const e of more) expected.set(e.traceId, expectedTraces(more).get(e.traceId)!);
  });

  it('answers the traces asked for by id (the live view refresh)', async () => {
    const wanted = [traceIdOf(3), traceIdOf(10), 'f'.repeat(32)];
    const res = await server.get(`/api/v1/traces?${wanted.map((id) => `traceIds=${id}`).join('&')}`);
    expect(res.status).toBe(200);
    expect(ids(res.body.items).sort()).toEqual([traceIdOf(3), traceIdOf(10)].sort());
  });
});

describe('GET /api/v1/traces/facets', () => {
  it('counts the values of a field among the traces matching the other filters', async () => {
    const original = [...expected.values()].filter((t) => t.startTime >= START && t.startTime < START + N * 10_000);
    const range = `from=${START}&to=${START + N * 10_000 - 1}`;
    const byUser = await server.get(`/api/v1/traces/facets?field=userId&${range}`);
    expect(byUser.status).toBe(200);
    const counts = new Map<string, number>();
    for (const t of original) counts.set(t.userId, (counts.get(t.userId) ?? 0) + 1);
    expect(new Map(byUser.body.values.map((v: { value: string; count: number }) => [v.value, v.count]))).toEqual(counts);

    const models = await server.get(`/api/v1/traces/facets?field=model&${range}&userId=user-2`);
    const modelCounts = new Map<string, number>();
    for (const t of original) if (t.userId === 'user-2') for (const m of t.models) modelCounts.set(m, (modelCounts.get(m) ?? 0) + 1);
    expect(new Map(models.body.values.map((v: { value: string; count: number }) => [v.value, v.count]))).toEqual(modelCounts);

    const allModels = await server.get(`/api/v1/traces/facets?field=model&${range}`);
    const allModelCounts = new Map<string, number>();
    for (const t of original) for (const m of t.models) allModelCounts.set(m, (allModelCounts.get(m) ?? 0) + 1);
    expect(new Map(allModels.body.values.map((v: { value: string; count: number }) => [v.value, v.count]))).toEqual(allModelCounts);

    const tags = await server.get(`/api/v1/traces/facets?field=tags&${range}`);
    expect(tags.body.values.find((v: { value: string }) => v.value === 'even').count).toBe(original.filter((t) => t.tags.includes('even')).length);

    const kinds = await server.get(`/api/v1/traces/facets?field=kind&${range}`);
    expect(kinds.body.values.find((v: { value: string }) => v.value === 'tool').count).toBe(original.filter((t) => t.kinds.has('tool')).length);

    for (const field of ['name', 'status', 'sessionId', 'release', 'environment', 'service']) {
      const res = await server.get(`/api/v1/traces/facets?field=${field}&${range}`);
      expect(res.status, field).toBe(200);
      expect(res.body.values.reduce((s: number, v: { count: number }) => s + v.count, 0), field).toBe(original.length);
    }
    expect((await server.get('/api/v1/traces/facets')).status).toBe(400);
    expect((await server.get('/api/v1/traces/facets?field=cost')).status).toBe(400);
  });
});

describe('GET /api/v1/traces/:traceId', () => {
  it('returns the tree with subtree totals and the critical path, without payloads', async () => {
    const traceId = traceIdOf(42);
    const res = await server.get(`/api/v1/traces/${traceId}`);
    expect(res.status).toBe(200);
    const detail = res.body as TraceDetail;
    const sent = events.filter((e) => e.traceId === traceId);
    expect(detail.observations.map((o) => o.spanId).sort()).toEqual(sent.map((e) => e.spanId).sort());
    const root = detail.observations.find((o) => o.parentId === null)!;
    expect(root.subtree.spanCount).toBe(sent.length);
    expect(root.subtree.totalTokens).toBe(sent.reduce((s, e) => s + (e.usage?.total ?? 0), 0));
    expect(root.subtree.cost).toBeCloseTo(sent.reduce((s, e) => s + (e.cost ?? 0), 0), 12);
    // Critical path: the fixture's children run one after the other, so the root and every child.
    const steps = sent.filter((e) => e.parentId !== undefined).sort((a, b) => a.startTime! - b.startTime!);
    expect(detail.criticalPath).toEqual([root.spanId, ...steps.map((e) => e.spanId)]);
    expect(detail.observations.filter((o) => o.critical).map((o) => o.spanId).sort()).toEqual([root.spanId, ...steps.map((e) => e.spanId)].sort());
    for (const o of detail.observations) expect(o).not.toHaveProperty('input');
    expect(detail.trace.input).toEqual({ prompt: 'Prompt number 42 for user-0' });
    expect(detail.trace.metadata).toEqual({ index: 42 });
    expect(detail.observations.map((o) => o.startTime)).toEqual([...detail.observations.map((o) => o.startTime)].sort((a, b) => a - b));
  });

  it('shows children that arrived before their parent, as orphans first and as a tree once it arrives', async () => {
    const traceId = 'ab'.repeat(16);
    const root = 'a1'.repeat(8);
    const child = 'c1'.repeat(8);
    const grandchild = 'd1'.repeat(8);
    const t0 = START + 5_000_000;
    await server.ingest([
      { type: 'span', phase: 'full', traceId, spanId: grandchild, parentId: child, time: t0 + 30, name: 'leaf', kind: 'tool', startTime: t0 + 10, endTime: t0 + 30, status: 'ok' },
      { type: 'span', phase: 'full', traceId, spanId: child, parentId: root, time: t0 + 40, name: 'step', kind: 'chain', startTime: t0 + 5, endTime: t0 + 40, status: 'ok', usage: { input: 3, output: 4, total: 7 } },
    ]);
    const early = (await server.get(`/api/v1/traces/${traceId}`)).body as TraceDetail;
    expect(early.observations).toHaveLength(2);
    expect(early.criticalPath).toEqual([child, grandchild]);
    expect(early.observations.find((o) => o.spanId === child)!.subtree.spanCount).toBe(2);
    await server.ingest([{ type: 'span', phase: 'full', traceId, spanId: root, time: t0 + 50, name: 'late-root', kind: 'agent', startTime: t0, endTime: t0 + 50, status: 'ok' }]);
    const late = (await server.get(`/api/v1/traces/${traceId}`)).body as TraceDetail;
    expect(late.trace.name).toBe('late-root');
    expect(late.criticalPath).toEqual([root, child, grandchild]);
    expect(late.observations.find((o) => o.spanId === root)!.subtree).toMatchObject({ spanCount: 3, totalTokens: 7 });
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect((await server.get(`/api/v1/traces/${'e'.repeat(32)}`)).status).toBe(404);
    const bad = await server.get('/api/v1/traces/not-a-trace-id');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('WISP_ERR_BAD_QUERY');
  });
});

describe('GET /api/v1/traces/:traceId/observations/:spanId', () => {
  it('returns one observation with its input and output', async () => {
    const gen = events.find((e) => e.kind === 'generation')!;
    const res = await server.get(`/api/v1/traces/${gen.traceId}/observations/${gen.spanId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      spanId: gen.spanId,
      kind: 'generation',
      model: gen.model,
      provider: gen.provider,
      input: gen.input,
      output: gen.output,
      usage: gen.usage,
      ttftMs: gen.completionStartTime! - gen.startTime!,
      subtree: { spanCount: 1 },
    });
    expect(res.body.inputBytes).toBeGreaterThan(0);
    expect((await server.get(`/api/v1/traces/${gen.traceId}/observations/${spanIdOf(9999, 1)}`)).status).toBe(404);
    expect((await server.get(`/api/v1/traces/${gen.traceId}/observations/xyz`)).status).toBe(400);
  });
});
