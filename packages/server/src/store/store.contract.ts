/**
 * The store contract: behaviour every `Store` backend must have, as vitest tests over the interface
 * only. Each backend's test file calls `runStoreContract(name, makeStore)`; `makeStore` returns a
 * migrated, empty store (the suite closes it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import type { Store } from './store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ids in W3C format from a small number, so tests read well. */
export const traceIdOf = (n: number): string => n.toString(16).padStart(32, '0');
export const spanIdOf = (n: number): string => n.toString(16).padStart(16, '0');

import { seededRandom } from '../seeded-random.js';

export function shuffle<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Events of a few traces as the SDK would send them (start, updates, end), including updates with
 * equal times and different values (tie-breaks), a late correction, trace attributes on a child,
 * usage on the end with the model on the start, and an error.
 */
export function mergeScenario(base: number): SpanEvent[] {
  const events: SpanEvent[] = [];
  for (let t = 1; t <= 3; t++) {
    const traceId = traceIdOf(t);
    const root = spanIdOf(t * 100);
    const start = base + t * 10_000;
    events.push({ type: 'span', phase: 'start', traceId, spanId: root, time: start, startTime: start, name: `agent-${t}`, kind: 'agent', status: 'running', input: { q: `question ${t}` }, trace: { userId: `u${t % 2}`, sessionId: `s${t}`, tags: ['a'], environment: 'prod', release: 'r1' } });
    events.push({ type: 'span', phase: 'end', traceId, spanId: root, time: start + 900, startTime: start, endTime: start + 900, name: `agent-${t}`, kind: 'agent', status: 'ok', output: { a: `answer ${t}` }, trace: { tags: ['b'] } });
    for (let c = 1; c <= 4; c++) {
      const spanId = spanIdOf(t * 100 + c);
      const s = start + c * 100;
      const isGen = c % 2 === 0;
      const fail = t === 2 && c === 3;
      events.push({ type: 'span', phase: 'start', traceId, spanId, parentId: root, time: s, startTime: s, name: isGen ? 'llm' : `tool-${c}`, kind: isGen ? 'generation' : 'tool', status: 'running', ...(isGen ? { provider: 'openai', model: 'gpt-4o' } : {}) });
      // Two updates with the same time and different values: the tie-break must not depend on order.
      events.push({ type: 'span', phase: 'update', traceId, spanId, time: s + 10, metadata: { step: 'x' }, statusMessage: 'b' });
      events.push({ type: 'span', phase: 'update', traceId, spanId, time: s + 10, metadata: { step: 'y' }, statusMessage: 'a' });
      const end: SpanEvent = { type: 'span', phase: 'end', traceId, spanId, parentId: root, time: s + 50, startTime: s, endTime: s + 50, status: fail ? 'error' : 'ok', output: { n: c } };
      if (isGen) Object.assign(end, { usage: { input: 100 * c, output: 10 * c }, completionStartTime: s + 20 });
      if (fail) end.error = { type: 'ToolError', message: 'boom' };
      events.push(end);
      if (c === 1) {
        // A correction sent later: a different end time replaces the first.
        events.push({ type: 'span', phase: 'end', traceId, spanId, parentId: root, time: s + 70, startTime: s, endTime: s + 70, status: 'ok' });
      }
      if (c === 4 && t === 3) {
        // User attributes carried by a child, not the root.
        events.push({ type: 'span', phase: 'update', traceId, spanId, time: s + 60, trace: { name: 'renamed', metadata: { k: 1 } } });
      }
    }
  }
  return events;
}

async function snapshot(store: Store, projectId: string): Promise<unknown> {
  const list = await store.listTraces(projectId, { limit: 200 });
  const details = [];
  for (const t of list.items) {
    const d = await store.getTrace(projectId, t.traceId);
    const observations = [];
    for (const o of d?.observations ?? []) observations.push(await store.getObservation(projectId, t.traceId, o.spanId));
    details.push({ d, observations });
  }
  return { list: list.items, details };
}

function span(traceN: number, spanN: number, fields: Partial<SpanEvent> & { time: number }): SpanEvent {
  return { type: 'span', phase: 'full', traceId: traceIdOf(traceN), spanId: spanIdOf(spanN), ...fields };
}

export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const now = Date.now();
    const base = now - 2 * HOUR;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const write = (spans: SpanEvent[], projectId = 'p1'): Promise<void> => store.write([{ projectId, spans, reports: [] }]);

    it('migrate() is idempotent', async () => {
      await store.migrate();
      await store.migrate();
      expect(await store.listProjects()).toEqual([]);
    });

    it('gives the same traces for the same events in any order, batching and number of repeats', async () => {
      const events = mergeScenario(base);
      await write(events);
      const expected = await snapshot(store, 'p1');
      const other = await makeStore();
      try {
        const r = seededRandom(7);
        const replay = shuffle([...events, ...events, ...events.slice(0, 9)], r);
        for (let i = 0; i < replay.length; ) {
          const n = 1 + Math.floor(r() * 12);
          await other.write([{ projectId: 'p1', spans: replay.slice(i, i + n), reports: [] }]);
          i += n;
        }
        expect(await snapshot(other, 'p1')).toEqual(expected);
      } finally {
        await other.close();
      }
    });

    it('merges start, updates and end: fields, usage from the end with the model from the start, cost computed', async () => {
      await write(mergeScenario(base));
      const d = (await store.getTrace('p1', traceIdOf(3)))!;
      expect(d.trace.name).toBe('renamed');
      expect(d.trace.status).toBe('ok');
      expect(d.trace.tags.sort()).toEqual(['a', 'b']);
      expect(d.trace.metadata).toEqual({ k: 1 });
      expect(d.trace.spanCount).toBe(5);
      const gen = d.observations.find((o) => o.spanId === spanIdOf(302))!;
      expect(gen.model).toBe('gpt-4o');
      expect(gen.usage).toMatchObject({ input: 200, output: 20 });
      expect(gen.cost).toBeGreaterThan(0);
      expect(gen.ttftMs).toBe(20);
      expect(gen.metadata).toEqual({ step: 'y' });
      const corrected = d.observations.find((o) => o.spanId === spanIdOf(301))!;
      expect(corrected.durationMs).toBe(70);
      expect(d.trace.cost).toBeCloseTo(d.observations.reduce((n, o) => n + (o.cost ?? 0), 0), 12);
      const failed = (await store.getTrace('p1', traceIdOf(2)))!;
      expect(failed.trace.status).toBe('error');
      expect(failed.trace.errorCount).toBe(1);
      expect(failed.observations.find((o) => o.spanId === spanIdOf(203))!.error).toEqual({ type: 'ToolError', message: 'boom' });
    });

    it('keeps a span running on start alone; a late start after the end never reverts it', async () => {
      await write([span(9, 1, { phase: 'start', time: base, startTime: base, name: 'root', status: 'running' })]);
      let d = (await store.getTrace('p1', traceIdOf(9)))!;
      expect(d.trace.status).toBe('running');
      expect(d.observations[0]!.status).toBe('running');
      expect(d.observations[0]!.endTime).toBeNull();
      await write([span(9, 1, { phase: 'end', time: base + 5, startTime: base, endTime: base + 5, status: 'ok' })]);
      await write([span(9, 1, { phase: 'start', time: base, startTime: base, name: 'root', status: 'running' })]);
      d = (await store.getTrace('p1', traceIdOf(9)))!;
      expect(d.observations[0]!.status).toBe('ok');
      expect(d.observations[0]!.durationMs).toBe(5);
      expect(d.trace.status).toBe('ok');
    });

    it('fixes immutable fields at the earliest event: a later event cannot move the start time', async () => {
      await write([span(8, 1, { phase: 'start', time: base, startTime: base, name: 'root' })]);
      await write([span(8, 1, { phase: 'update', time: base + 50, startTime: base + 40, name: 'renamed' })]);
      const d = (await store.getTrace('p1', traceIdOf(8)))!;
      expect(d.observations[0]!.startTime).toBe(base);
      expect(d.observations[0]!.name).toBe('renamed');
      expect(d.trace.traceId).toBe(traceIdOf(8));
    });

    it('stores a child that arrives before its parent, then links them', async () => {
      await write([span(7, 2, { time: base + 30, parentId: spanIdOf(1), startTime: base + 10, endTime: base + 30, name: 'child', kind: 'tool', status: 'ok' })]);
      let d = (await store.getTrace('p1', traceIdOf(7)))!;
      expect(d.observations).toHaveLength(1);
      expect(d.observations[0]!.parentId).toBe(spanIdOf(1));
      await write([span(7, 1, { time: base + 100, startTime: base, endTime: base + 100, name: 'root', kind: 'agent', status: 'ok' })]);
      d = (await store.getTrace('p1', traceIdOf(7)))!;
      expect(d.trace.name).toBe('root');
      expect(d.trace.startTime).toBe(base);
      expect(d.trace.durationMs).toBe(100);
      expect(d.trace.spanCount).toBe(2);
      expect(d.observations.map((o) => o.spanId)).toEqual([spanIdOf(1), spanIdOf(2)]);
    });

    it('marks spans that never ended as abandoned, and a later end still wins', async () => {
      await write([
        span(6, 1, { phase: 'start', time: base, startTime: base, name: 'root', status: 'running' }),
        span(6, 2, { phase: 'start', time: base + 1, startTime: base + 1, parentId: spanIdOf(1), name: 'child', status: 'running' }),
        span(5, 1, { phase: 'start', time: now, startTime: now, name: 'recent', status: 'running' }),
      ]);
      expect(await store.markAbandoned(now - HOUR)).toBe(2);
      expect(await store.markAbandoned(now - HOUR)).toBe(0);
      let d = (await store.getTrace('p1', traceIdOf(6)))!;
      expect(d.trace.status).toBe('abandoned');
      expect(d.observations.map((o) => o.status)).toEqual(['abandoned', 'abandoned']);
      expect((await store.getTrace('p1', traceIdOf(5)))!.trace.status).toBe('running');
      await write([span(6, 2, { phase: 'start', time: base + 1, startTime: base + 1, parentId: spanIdOf(1), name: 'child', status: 'running' })]);
      d = (await store.getTrace('p1', traceIdOf(6)))!;
      expect(d.observations[1]!.status).toBe('abandoned');
      await write([span(6, 1, { phase: 'end', time: base + 9, startTime: base, endTime: base + 9, status: 'ok' })]);
      d = (await store.getTrace('p1', traceIdOf(6)))!;
      expect(d.observations[0]!.status).toBe('ok');
      expect(d.trace.status).toBe('ok');
    });

    it('deletes traces older than the project retention, in batches, and keeps the rest', async () => {
      await store.ensureProject({ id: 'p1', name: 'P1', retentionDays: 2 });
      await store.ensureProject({ id: 'p2', name: 'P2', retentionDays: 30 });
      const old = now - 3 * DAY;
      const spans: SpanEvent[] = [];
      for (let t = 1; t <= 5; t++) {
        spans.push(span(t, t * 10, { time: old + t, startTime: old, endTime: old + t, name: 'old', status: 'ok', trace: { sessionId: 'old-session', userId: 'old-user' } }));
        spans.push(span(t, t * 10 + 1, { time: old + t, startTime: old, endTime: old + t, parentId: spanIdOf(t * 10), name: 'old-child', status: 'ok', input: 'x' }));
      }
      spans.push(span(100, 1, { time: now, startTime: now - 10, endTime: now, name: 'new', status: 'ok' }));
      await write(spans);
      await write([span(1, 10, { time: old + 1, startTime: old, endTime: old + 1, name: 'old in p2', status: 'ok' })], 'p2');
      let deleted = 0;
      for (let i = 0; i < 20; i++) {
        const n = await store.deleteExpired(now, 2);
        if (n === 0) break;
        expect(n).toBeLessThanOrEqual(2 + 2 * 4);
        deleted += n;
      }
      expect(deleted).toBeGreaterThanOrEqual(5);
      const list = await store.listTraces('p1', { limit: 50 });
      expect(list.items.map((t) => t.name)).toEqual(['new']);
      expect(await store.getTrace('p1', traceIdOf(1))).toBeNull();
      expect(await store.getObservation('p1', traceIdOf(1), spanIdOf(11))).toBeNull();
      expect(await store.getSession('p1', 'old-session')).toBeNull();
      expect((await store.listTraces('p2', {})).items).toHaveLength(1);
      expect(await store.deleteExpired(now, 100)).toBe(0);
    });

    it('isolates projects: same trace id, different data, never visible across', async () => {
      await write([span(1, 1, { time: base, startTime: base, endTime: base + 1, name: 'in-p1', status: 'ok', trace: { userId: 'alice', sessionId: 's' } })], 'p1');
      await write([span(1, 1, { time: base, startTime: base, endTime: base + 2, name: 'in-p2', status: 'error', error: { type: 'E', message: 'm' } })], 'p2');
      expect((await store.getTrace('p1', traceIdOf(1)))!.trace.name).toBe('in-p1');
      expect((await store.getTrace('p2', traceIdOf(1)))!.trace.name).toBe('in-p2');
      expect((await store.listTraces('p1', {})).items.map((t) => t.status)).toEqual(['ok']);
      expect((await store.listTraces('p3', {})).items).toEqual([]);
      expect(await store.getTrace('p3', traceIdOf(1))).toBeNull();
      expect(await store.getUser('p2', 'alice')).toBeNull();
      expect((await store.getUser('p1', 'alice'))!.traceCount).toBe(1);
    });

    it('manages projects and keys: lookup by hash, list, revoke, never across projects', async () => {
      const p = await store.ensureProject({ id: 'p1', name: 'First' });
      expect(p).toMatchObject({ id: 'p1', name: 'First', retentionDays: 30 });
      expect(await store.ensureProject({ id: 'p1', name: 'Other name' })).toMatchObject({ name: 'First' });
      await store.ensureProject({ id: 'p2', name: 'Second', retentionDays: 7 });
      expect((await store.listProjects()).map((x) => x.id)).toEqual(['p1', 'p2']);
      expect(await store.updateProject('p2', { retentionDays: 9, name: 'Renamed' })).toMatchObject({ name: 'Renamed', retentionDays: 9 });
      expect(await store.updateProject('nope', { name: 'x' })).toBeNull();
      const key = { id: 'k1', projectId: 'p1', name: 'ci', prefix: 'wisp_ab', createdAt: now, lastUsedAt: null, revokedAt: null };
      await store.insertKey({ ...key, hash: 'h1' });
      await store.insertKey({ ...key, id: 'k2', projectId: 'p2', hash: 'h2' });
      expect(await store.findKeyByHash('h1')).toEqual(key);
      expect(await store.findKeyByHash('nope')).toBeNull();
      expect((await store.listKeys('p1')).map((k) => k.id)).toEqual(['k1']);
      expect(await store.revokeKey('p2', 'k1', now)).toBe(false);
      expect(await store.findKeyByHash('h1')).not.toBeNull();
      expect(await store.revokeKey('p1', 'k1', now + 1)).toBe(true);
      expect(await store.revokeKey('p1', 'k1', now + 2)).toBe(false);
      expect(await store.findKeyByHash('h1')).toBeNull();
      expect((await store.listKeys('p1'))[0]!.revokedAt).toBe(now + 1);
      expect(await store.findKeyByHash('h2')).toMatchObject({ id: 'k2', projectId: 'p2' });
      if (store.touchKeys) {
        await store.touchKeys([{ keyId: 'k2', at: now + 50 }]);
        await store.touchKeys([{ keyId: 'k2', at: now + 10 }]);
        expect((await store.findKeyByHash('h2'))!.lastUsedAt).toBe(now + 50);
      }
    });

    it('keeps session and user totals equal to the sum of their traces', async () => {
      await write(mergeScenario(base));
      const s1 = (await store.getSession('p1', 's1'))!;
      expect(s1.session.traceCount).toBe(1);
      const t1 = (await store.getTrace('p1', traceIdOf(1)))!.trace;
      expect(s1.session.spanCount).toBe(t1.spanCount);
      expect(s1.session.cost).toBeCloseTo(t1.cost, 12);
      const u1 = (await store.getUser('p1', 'u1'))!;
      const t3 = (await store.getTrace('p1', traceIdOf(3)))!.trace;
      expect(u1.traceCount).toBe(2);
      expect(u1.totalTokens).toBe(t1.totalTokens + t3.totalTokens);
    });

    it('counts an ended span once in the metrics: re-delivered ends add nothing, a correction replaces', async () => {
      const start = Math.floor((now - 3 * HOUR) / HOUR) * HOUR + 5 * 60_000;
      const end = (ms: number, output: number, status: 'ok' | 'error' = 'ok'): SpanEvent =>
        span(4, 1, { phase: 'end', time: start + ms, startTime: start, endTime: start + ms, name: 'llm', kind: 'generation', provider: 'openai', model: 'gpt-4o', status, usage: { input: 10, output }, ...(status === 'error' ? { error: { type: 'RateLimitError', message: '429' } } : {}) });
      const range = { from: start - HOUR, to: start + HOUR };
      await write([span(4, 1, { phase: 'start', time: start, startTime: start, name: 'llm', kind: 'generation', status: 'running' })]);
      expect((await store.metrics('p1', range)).total.count).toBe(0);
      await write([end(100, 5)]);
      await write([end(100, 5), end(100, 5)]);
      let m = await store.metrics('p1', range);
      expect(m.total.count).toBe(1);
      expect(m.total.tokens.output).toBe(5);
      expect(m.total.latency.avg).toBeCloseTo(100, 6);
      await write([end(400, 50, 'error')]);
      await write([end(100, 5)]);
      m = await store.metrics('p1', { ...range, groupBy: 'model' });
      expect(m.total.count).toBe(1);
      expect(m.total.errorCount).toBe(1);
      expect(m.total.tokens.output).toBe(50);
      expect(m.total.latency.avg).toBeCloseTo(400, 6);
      expect(Math.abs(m.total.latency.p50! - 400) / 400).toBeLessThanOrEqual(m.quantileRelativeError);
      expect(m.groups.map((g) => [g.key, g.count])).toEqual([['gpt-4o', 1]]);
      const errors = await store.errorTypes('p1', range);
      expect(errors.map((e) => [e.errorType, e.count, e.sampleTraceId])).toEqual([['RateLimitError', 1, traceIdOf(4)]]);
      expect((await store.metrics('p2', range)).total.count).toBe(0);
    });

    it('serves SDK reports per service', async () => {
      const report = { type: 'sdk_report' as const, time: now - 60_000, service: 'api', instanceId: 'i1', sdkVersion: '0.1.0', created: 10, sent: 8, queued: 1, inFlight: 1, dropped: { queue_full: 2 }, failedRequests: {} };
      await store.write([{ projectId: 'p1', spans: [], reports: [report, { ...report, time: now - 30_000, created: 30, sent: 27 }] }]);
      const rows = await store.sdkHealth('p1', { from: now - HOUR, to: now });
      expect(rows.map((r) => r.service)).toEqual(['api']);
      expect(await store.sdkHealth('p2', { from: now - HOUR, to: now })).toEqual([]);
    });

    it('reports a size and writes nothing for an empty write', async () => {
      await store.write([]);
      await store.write([{ projectId: 'p1', spans: [], reports: [] }]);
      expect(await store.sizeBytes()).toBeGreaterThan(0);
      expect((await store.listTraces('p1', {})).items).toEqual([]);
    });
  });
}
