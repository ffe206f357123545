import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { computeCost } from '../../pricing/index.js';
import { decodeHistogram, histogramCount, quantile, RELATIVE_ERROR } from '../../metrics/histogram.js';
import { mergeScenario, runStoreContract, shuffle, spanIdOf, traceIdOf } from '../store.contract.js';
import { seededRandom } from '../../seeded-random.js';
import { bulkLoad, syntheticBatches } from './bulk-load.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-store-test-'));
  dirs.push(dir);
  return join(dir, 'wisp.db');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openStore(path = tempPath(), options: Partial<ConstructorParameters<typeof SqliteStore>[0]> = {}): Promise<SqliteStore> {
  const store = new SqliteStore({ path, cacheMiB: 16, mmapMiB: 0, ...options });
  await store.migrate();
  return store;
}

runStoreContract('SqliteStore', () => openStore());

/**
 * Every stored row of every table, with internal ids (assigned in arrival order) replaced by the
 * natural keys they stand for, sorted: two stores holding the same data give equal snapshots.
 */
function tableSnapshot(store: SqliteStore): Record<string, unknown[]> {
  const db = store.db;
  const traceKey = new Map<number, string>();
  for (const r of db.prepare('SELECT id, project_id, trace_id FROM traces').all() as Array<{ id: number; project_id: string; trace_id: string }>) {
    traceKey.set(r.id, `${r.project_id}/${r.trace_id}`);
  }
  const obsKey = new Map<number, string>();
  for (const r of db.prepare('SELECT id, trace_ref, span_id FROM observations').all() as Array<{ id: number; trace_ref: number; span_id: string }>) {
    obsKey.set(r.id, `${traceKey.get(r.trace_ref)}/${r.span_id}`);
  }
  const seriesKey = new Map<number, string>();
  for (const r of db.prepare('SELECT * FROM rollup_series').all() as Array<Record<string, unknown> & { id: number }>) {
    const { id, ...dims } = r;
    seriesKey.set(id, JSON.stringify(dims));
  }
  const out: Record<string, unknown[]> = {};
  const tables = ['traces', 'observations', 'observation_payloads', 'trace_payloads', 'trace_tags', 'trace_models', 'sessions', 'users', 'user_sessions', 'rollups', 'rollups_user', 'rollups_error', 'sdk_reports'];
  for (const table of tables) {
    const rows = (db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>).map((row) => {
      const r: Record<string, unknown> = { ...row };
      delete r.updated_at;
      if (table === 'traces') delete r.id;
      if (table === 'observations') {
        delete r.id;
        r.trace_ref = traceKey.get(row.trace_ref as number);
      }
      if ('trace_ref' in r && table !== 'observations') r.trace_ref = traceKey.get(row.trace_ref as number);
      if ('observation_id' in r) r.observation_id = obsKey.get(row.observation_id as number);
      if ('series_id' in r) r.series_id = seriesKey.get(row.series_id as number);
      for (const k of Object.keys(r)) if (Buffer.isBuffer(r[k])) r[k] = (r[k] as Buffer).toString('hex');
      return r;
    });
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  out.search = (db.prepare(`SELECT rowid FROM trace_search WHERE trace_search MATCH '"agent"'`).all() as Array<{ rowid: number }>)
    .map((r) => traceKey.get(r.rowid))
    .sort();
  return out;
}

const write = (store: SqliteStore, spans: SpanEvent[], projectId = 'p1'): Promise<void> => store.write([{ projectId, spans, reports: [] }]);

describe('SqliteStore rows', () => {
  const stores: SqliteStore[] = [];
  const open = async (): Promise<SqliteStore> => {
    const s = await openStore();
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const base = Date.now() - 3_600_000;

  it('prices generations as computeCost does, for repeated models and usage across days (memoized)', async () => {
    const store = await open();
    const day = 86_400_000;
    const cases: Array<{ model: string; provider?: string; usage: { input: number; output: number; cacheRead?: number }; at: number }> = [];
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet-20241022', 'no-such-model'])
      for (const at of [Date.UTC(2024, 0, 1), Date.UTC(2025, 7, 6, 23), Date.UTC(2025, 7, 7, 1), Date.UTC(2025, 7, 7) + day - 1])
        for (const usage of [{ input: 1000, output: 50 }, { input: 1000, output: 50, cacheRead: 400 }]) cases.push({ model, usage, at });
    cases.push({ model: 'gpt-4o', provider: 'azure', usage: { input: 10, output: 5 }, at: Date.UTC(2025, 0, 1) });
    // Twice, in two commits: the second is answered from the memo.
    for (const round of [0, 1]) {
      const spans: SpanEvent[] = cases.map((c, i) => ({
        type: 'span', phase: 'full', traceId: traceIdOf(1000 + i), spanId: spanIdOf(round * 1000 + i), time: c.at + 10, kind: 'generation',
        model: c.model, ...(c.provider ? { provider: c.provider } : {}), usage: c.usage, startTime: c.at, endTime: c.at + 10,
      }));
      await store.write([{ projectId: 'p', spans, reports: [] }]);
    }
    const rows = store.db.prepare('SELECT span_id, cost FROM observations').all() as Array<{ span_id: string; cost: number | null }>;
    expect(rows).toHaveLength(cases.length * 2);
    const bySpan = new Map(rows.map((r) => [r.span_id, r.cost]));
    cases.forEach((c, i) => {
      const expected = computeCost({ model: c.model, usage: c.usage, at: c.at, ...(c.provider ? { provider: c.provider } : {}) });
      expect(bySpan.get(spanIdOf(i))).toBe(expected);
      expect(bySpan.get(spanIdOf(1000 + i))).toBe(expected);
    });
  });

  it('stores identical rows in every table for shuffled, repeated and re-batched events', async () => {
    const events = mergeScenario(base);
    const reference = await open();
    await write(reference, events);
    const expected = tableSnapshot(reference);
    expect(expected.observations).toHaveLength(15);
    for (const seed of Array.from({ length: Number(process.env.WISP_SHUFFLE_SEEDS ?? 6) }, (_, i) => i + 1)) {
      const r = seededRandom(seed);
      const other = await open();
      const replay = shuffle([...events, ...events.filter(() => r() < 0.5)], r);
      for (let i = 0; i < replay.length; ) {
        const n = seed % 2 === 0 ? 1 : 1 + Math.floor(r() * 10);
        await write(other, replay.slice(i, i + n));
        // Every third seed drops the writer's row caches after each write (the abandon sweep does,
        // and nothing is old enough to be marked), so merges read the stored rows instead.
        if (seed % 3 === 0) expect(await other.markAbandoned(0)).toBe(0);
        i += n;
      }
      expect(tableSnapshot(other)).toEqual(expected);
    }
  });

  it('counts an ended span once in the rollups; a re-delivered end adds nothing; a correction replaces', async () => {
    const store = await open();
    const start = Math.floor(base / 3_600_000) * 3_600_000 + 60_000;
    const end = (ms: number, output: number): SpanEvent => ({
      type: 'span', phase: 'end', traceId: traceIdOf(1), spanId: spanIdOf(1), time: start + ms, startTime: start, endTime: start + ms,
      name: 'llm', kind: 'generation', model: 'gpt-4o', provider: 'openai', status: 'ok', usage: { input: 10, output },
    });
    await write(store, [{ type: 'span', phase: 'start', traceId: traceIdOf(1), spanId: spanIdOf(1), time: start, startTime: start, name: 'llm', kind: 'generation', status: 'running' }]);
    const rows = () => store.db.prepare('SELECT resolution, count, latency_count, latency_sum, latency_hist, input_tokens, output_tokens, cost FROM rollups ORDER BY resolution').all() as Array<{ resolution: number; count: number; latency_count: number; latency_sum: number; latency_hist: Buffer; output_tokens: number; cost: number }>;
    expect(rows()).toEqual([]);
    await write(store, [end(100, 5)]);
    await write(store, [end(100, 5)]);
    await write(store, [end(100, 5), end(100, 5)]);
    let r = rows();
    expect(r.map((x) => [x.resolution, x.count, x.latency_sum, x.output_tokens])).toEqual([[60_000, 1, 100, 5], [3_600_000, 1, 100, 5]]);
    const firstCost = r[0]!.cost;
    expect(firstCost).toBeGreaterThan(0);
    await write(store, [end(250, 50)]);
    r = rows();
    expect(r.map((x) => [x.resolution, x.count, x.latency_count, x.latency_sum, x.output_tokens])).toEqual([[60_000, 1, 1, 250, 50], [3_600_000, 1, 1, 250, 50]]);
    expect(r[0]!.cost).toBeGreaterThan(firstCost);
    const h = decodeHistogram(r[0]!.latency_hist);
    expect(histogramCount(h)).toBe(1);
    expect(Math.abs(quantile(h, 0.5)! - 250) / 250).toBeLessThanOrEqual(RELATIVE_ERROR);
    const users = store.db.prepare('SELECT count, output_tokens FROM rollups_user').all();
    expect(users).toEqual([{ count: 1, output_tokens: 50 }, { count: 1, output_tokens: 50 }]);
  });

  it('counts errors by type with a sample, and moves a span between error types on correction', async () => {
    const store = await open();
    const e = (time: number, type: string): SpanEvent => ({
      type: 'span', phase: 'end', traceId: traceIdOf(2), spanId: spanIdOf(2), time, startTime: base, endTime: base + 5, name: 'tool', kind: 'tool',
      status: 'error', error: { type, message: `${type} happened` },
    });
    await write(store, [e(base + 5, 'Timeout')]);
    await write(store, [e(base + 5, 'Timeout')]);
    const rows = () => store.db.prepare('SELECT resolution, error_type, count, sample_message, sample_trace_id FROM rollups_error ORDER BY resolution').all();
    expect(rows()).toEqual([
      { resolution: 60_000, error_type: 'Timeout', count: 1, sample_message: 'Timeout happened', sample_trace_id: traceIdOf(2) },
      { resolution: 3_600_000, error_type: 'Timeout', count: 1, sample_message: 'Timeout happened', sample_trace_id: traceIdOf(2) },
    ]);
    await write(store, [e(base + 9, 'RateLimit')]);
    expect((rows() as Array<{ error_type: string; count: number }>).map((x) => [x.error_type, x.count])).toEqual([['RateLimit', 1], ['RateLimit', 1]]);
  });

  it('moves earlier spans to the trace environment/user when the root attributes arrive last', async () => {
    const store = await open();
    await write(store, [{ type: 'span', phase: 'full', traceId: traceIdOf(3), spanId: spanIdOf(2), parentId: spanIdOf(1), time: base + 5, startTime: base, endTime: base + 5, name: 'tool', kind: 'tool', status: 'ok' }]);
    await write(store, [{ type: 'span', phase: 'start', traceId: traceIdOf(3), spanId: spanIdOf(1), time: base, startTime: base, name: 'root', kind: 'agent', trace: { environment: 'prod', userId: 'u' } }]);
    const envs = store.db.prepare(`SELECT s.environment, r.count FROM rollups r JOIN rollup_series s ON s.id = r.series_id WHERE r.resolution = 60000`).all();
    expect(envs).toEqual([{ environment: 'prod', count: 1 }]);
    expect(store.db.prepare('SELECT user_id, count FROM rollups_user WHERE resolution = 60000').all()).toEqual([{ user_id: 'u', count: 1 }]);
    expect(store.db.prepare('SELECT environment, user_id FROM observations').all()).toEqual([
      { environment: 'prod', user_id: 'u' },
      { environment: 'prod', user_id: 'u' },
    ]);
  });

  it('keeps the rollups equal to a direct computation over the stored spans (split start/end traffic)', async () => {
    const store = await open();
    await bulkLoad(store, { projectId: 'bench', spans: 3_000, batchSpans: 500, mode: 'split', from: base - 3_600_000, to: base });
    const direct = store.db.prepare(
      `SELECT count(*) AS n, sum(status = 'error') AS errors, sum(coalesce(usage_output, 0)) AS output, round(sum(coalesce(cost, 0)), 9) AS cost,
       round(sum(duration_ms), 3) AS latency FROM observations WHERE status IN ('ok', 'error')`,
    ).get();
    const rolled = store.db.prepare(
      `SELECT sum(count) AS n, sum(error_count) AS errors, sum(output_tokens) AS output, round(sum(cost), 9) AS cost, round(sum(latency_sum), 3) AS latency
       FROM rollups WHERE resolution = 3600000`,
    ).get();
    expect(rolled).toEqual(direct);
    const spans = store.db.prepare(`SELECT count(*) AS n FROM observations`).get() as { n: number };
    expect(spans.n).toBeGreaterThanOrEqual(3_000);
    const totals = store.db.prepare(`SELECT sum(span_count) AS n FROM traces`).get() as { n: number };
    expect(totals.n).toBe(spans.n);
  });

  it('stores SDK reports as cumulative snapshots per instance, idempotently', async () => {
    const store = await open();
    const report = { type: 'sdk_report' as const, time: base, service: 'api', instanceId: 'i1', sdkVersion: '0.1.0', created: 10, sent: 8, queued: 1, inFlight: 0, dropped: { queue_full: 1 }, failedRequests: {} };
    await store.write([{ projectId: 'p1', spans: [], reports: [report, report, { ...report, time: base + 1000, created: 20, sent: 19 }] }]);
    expect(store.db.prepare('SELECT instance_id, time, created, sent, dropped FROM sdk_reports ORDER BY time').all()).toEqual([
      { instance_id: 'i1', time: base, created: 10, sent: 8, dropped: '{"queue_full":1}' },
      { instance_id: 'i1', time: base + 1000, created: 20, sent: 19, dropped: '{"queue_full":1}' },
    ]);
  });

  it('survives reopening: data, WAL checkpoint on close, integrity', async () => {
    const path = tempPath();
    const store = await openStore(path);
    await write(store, mergeScenario(base));
    const before = tableSnapshot(store);
    await store.close();
    await store.close();
    const again = await openStore(path, { synchronous: 'FULL' });
    stores.push(again);
    expect(tableSnapshot(again)).toEqual(before);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('rolls back a failed write entirely and keeps working', async () => {
    const store = await open();
    await write(store, mergeScenario(base));
    const before = tableSnapshot(store);
    const bad = { type: 'span', phase: 'full', traceId: traceIdOf(50), spanId: spanIdOf(1), time: base, startTime: base, name: 'x', status: 'ok', input: 1n } as unknown as SpanEvent;
    await expect(write(store, [{ type: 'span', phase: 'full', traceId: traceIdOf(51), spanId: spanIdOf(1), time: base, startTime: base, name: 'y', status: 'ok' }, bad])).rejects.toThrow();
    expect(tableSnapshot(store)).toEqual(before);
    await write(store, [{ type: 'span', phase: 'full', traceId: traceIdOf(52), spanId: spanIdOf(1), time: base, startTime: base, endTime: base + 1, name: 'z', status: 'ok' }]);
    expect((await store.listTraces('p1', { limit: 10 })).items.map((t) => t.name)).toContain('z');
  });

  it('applies only the missing migrations to a database created by an older version', async () => {
    const path = tempPath();
    const Database = (await import('better-sqlite3')).default;
    const old = new Database(path);
    expect(migrate(old, MIGRATIONS.slice(0, 1))).toEqual(['0001_initial']);
    old.close();
    const store = await openStore(path);
    stores.push(store);
    const applied = store.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(MIGRATIONS.map((m, i) => ({ version: i + 1, name: m.name })));
    expect(migrate(store.db)).toEqual([]);
  });

  it("keeps a user's sessions as pairs: added with their first trace, removed with their last", async () => {
    const store = await open();
    await store.ensureProject({ id: 'p1', name: 'P1', retentionDays: 1 });
    const old = Date.now() - 3 * 86_400_000;
    const trace = (n: number, time: number, userId: string, sessionId: string): SpanEvent => ({
      type: 'span', phase: 'full', traceId: traceIdOf(n), spanId: spanIdOf(n), time, startTime: time, endTime: time + 1, name: 'x', status: 'ok', trace: { userId, sessionId },
    });
    const pairs = () => store.db.prepare('SELECT user_id, session_id FROM user_sessions ORDER BY 1, 2').all().map((r) => Object.values(r as object).join('/'));
    const sessionsOf = async (userId: string) => (await store.getUser('p1', userId))?.sessionCount;
    await write(store, [trace(1, base, 'u1', 's1'), trace(2, base, 'u1', 's2'), trace(3, base, 'u2', 's1'), trace(4, old, 'u1', 's1'), trace(5, old, 'u2', 's5')]);
    expect(pairs()).toEqual(['u1/s1', 'u1/s2', 'u2/s1', 'u2/s5']);
    expect([await sessionsOf('u1'), await sessionsOf('u2')]).toEqual([2, 2]);
    // A later event moves trace 2 to another session: s2 has no trace of u1 left.
    const move = (n: number, sessionId: string): SpanEvent => ({ type: 'span', phase: 'update', traceId: traceIdOf(n), spanId: spanIdOf(n), time: base + 10, trace: { sessionId } });
    await write(store, [move(2, 's3')]);
    expect(pairs()).toEqual(['u1/s1', 'u1/s3', 'u2/s1', 'u2/s5']);
    // Trace 1 leaves s1 too, but trace 4 still has (u1, s1).
    await write(store, [move(1, 's3')]);
    expect(pairs()).toEqual(['u1/s1', 'u1/s3', 'u2/s1', 'u2/s5']);
    // Retention removes traces 4 and 5, the last ones of (u1, s1) and (u2, s5).
    expect(await store.deleteExpired(Date.now(), 100)).toBeGreaterThanOrEqual(2);
    expect(pairs()).toEqual(['u1/s3', 'u2/s1']);
    expect([await sessionsOf('u1'), await sessionsOf('u2')]).toEqual([1, 1]);
  });

  it('fills user_sessions from the stored traces when migrating a database from before it', async () => {
    const path = tempPath();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path);
    migrate(db, MIGRATIONS.slice(0, 2));
    const insert = db.prepare(`INSERT INTO traces (project_id, trace_id, start_time, status, user_id, session_id, updated_at) VALUES ('p1', ?, 1, 'ok', ?, ?, 1)`);
    insert.run(traceIdOf(1), 'u1', 's1');
    insert.run(traceIdOf(2), 'u1', 's1');
    insert.run(traceIdOf(3), 'u1', null);
    insert.run(traceIdOf(4), 'u2', 's2');
    db.close();
    const store = await openStore(path);
    stores.push(store);
    expect(store.db.prepare('SELECT user_id, session_id FROM user_sessions ORDER BY 1, 2').all()).toEqual([
      { user_id: 'u1', session_id: 's1' },
      { user_id: 'u2', session_id: 's2' },
    ]);
    expect(store.db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'traces_by_user_session'`).all()).toEqual([]);
  });

  it('refuses a database migrated by a newer version', async () => {
    const store = await open();
    store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(MIGRATIONS.length + 1, '9999_future', Date.now());
    expect(() => migrate(store.db)).toThrow(/unknown to this version/);
  });

  it('bulk-loads realistic traffic in big batches', async () => {
    const store = await open();
    const result = await bulkLoad(store, { projectId: 'bench', spans: 5_000, bigTraceSpans: 1_000, batchSpans: 2_000 });
    expect(result.spans).toBeGreaterThanOrEqual(5_000);
    const big = (await store.getTrace('bench', result.bigTraceId!))!;
    expect(big.observations).toHaveLength(1_000);
    const kinds = store.db.prepare('SELECT DISTINCT kind FROM observations ORDER BY kind').all().map((r) => (r as { kind: string }).kind);
    expect(kinds).toEqual(['agent', 'chain', 'generation', 'retriever', 'tool']);
    const errors = store.db.prepare(`SELECT count(*) AS n FROM observations WHERE status = 'error'`).get() as { n: number };
    expect(errors.n).toBeGreaterThan(0);
    const fixed = { projectId: 'x', spans: 100, batchSpans: 50, seed: 3, from: base - 3_600_000, to: base };
    expect([...syntheticBatches(fixed)]).toEqual([...syntheticBatches(fixed)]);
  });
});
