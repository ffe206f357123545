/**
 * `runDemo` through the real SDK against a bare HTTP server that records `/v1/ingest` batches: the
 * counts it reports arrive, the story has every kind, user, session, error and release it promises,
 * and every parent resolves within its trace.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type IngestBatch, type SpanEvent } from '@wisp/protocol';
import { decodeBody, parseContentEncoding } from '../http/decode-body.js';
import { runDemo } from './index.js';
import type { DemoResult } from './index.js';

let events: SpanEvent[] = [];
let authHeaders: string[] = [];
let url = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    // Decoded as the collector decodes it (br from the SDK by default, gzip, deflate or none).
    const body = await decodeBody(Buffer.concat(chunks), parseContentEncoding(req.headers['content-encoding']), DEFAULT_LIMITS);
    if (req.url !== '/v1/ingest') {
      res.writeHead(404).end();
      return;
    }
    authHeaders.push(String(req.headers['x-wisp-api-key'] ?? ''));
    const batch = JSON.parse(body.toString('utf8')) as IngestBatch;
    for (const e of batch.events) if (e.type === 'span') events.push(e);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accepted: batch.events.length, rejected: 0, errors: [] }));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Merged extends SpanEvent {
  phases: Set<string>;
}

/** Folds each span's events (start, end or full) into one record, as the collector's merge would. */
function merge(all: SpanEvent[]): Map<string, Merged> {
  const spans = new Map<string, Merged>();
  for (const e of all) {
    const prev = spans.get(e.spanId);
    const phases = prev?.phases ?? new Set<string>();
    phases.add(e.phase);
    const defined = Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Partial<SpanEvent>;
    spans.set(e.spanId, { ...(prev ?? {}), ...defined, startTime: prev?.startTime ?? e.startTime, phases } as Merged);
  }
  return spans;
}

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const HOUR = 3_600_000;

describe('runDemo', () => {
  let result: DemoResult;
  let spans: Map<string, Merged>;

  beforeAll(async () => {
    events = [];
    authHeaders = [];
    result = await runDemo({ url, apiKey: 'wisp_demo_test_key', traces: 120, seed: 7, now: NOW });
    spans = merge(events);
  });

  it('delivers exactly the traces and spans it reports', () => {
    expect(result.traces).toBe(120);
    expect(result.running).toBe(2);
    expect(result.dropped).toBe(0);
    expect(spans.size).toBe(result.spans);
    expect(new Set([...spans.values()].map((s) => s.traceId)).size).toBe(120);
    expect(authHeaders.every((h) => h === 'wisp_demo_test_key')).toBe(true);
  });

  it('every parent id resolves within its trace; each trace has one root', () => {
    const roots = new Map<string, number>();
    for (const s of spans.values()) {
      if (s.parentId === undefined) {
        roots.set(s.traceId, (roots.get(s.traceId) ?? 0) + 1);
        continue;
      }
      const parent = spans.get(s.parentId);
      expect(parent, `parent of ${s.name}`).toBeDefined();
      expect(parent?.traceId).toBe(s.traceId);
      // Children lie within their parent's time span.
      expect(s.startTime as number).toBeGreaterThanOrEqual(parent?.startTime as number);
      if (s.endTime !== undefined && parent?.endTime !== undefined) expect(s.endTime).toBeLessThanOrEqual(parent.endTime);
    }
    expect(roots.size).toBe(120);
    expect([...roots.values()].every((n) => n === 1)).toBe(true);
  });

  it('has every kind, several services, users, multi-turn sessions, releases and environments', () => {
    const all = [...spans.values()];
    expect(new Set(all.map((s) => s.kind))).toEqual(new Set(['agent', 'chain', 'tool', 'generation', 'retriever', 'embedding', 'guardrail', 'event', 'span']));
    expect(new Set(all.map((s) => s.service))).toEqual(new Set(['support-bot', 'research-agent']));
    const roots = all.filter((s) => s.parentId === undefined);
    expect(new Set(roots.map((s) => s.trace?.userId)).size).toBeGreaterThanOrEqual(6);
    const tracesPerSession = new Map<string, number>();
    for (const r of roots) tracesPerSession.set(r.trace?.sessionId as string, (tracesPerSession.get(r.trace?.sessionId as string) ?? 0) + 1);
    expect([...tracesPerSession.values()].some((n) => n >= 3)).toBe(true);
    expect(new Set(roots.map((s) => s.trace?.release)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(roots.map((s) => s.trace?.environment))).toEqual(new Set(['production', 'staging']));
  });

  it('has generations of several providers with usage and time to first token', () => {
    const generations = [...spans.values()].filter((s) => s.kind === 'generation' && s.status === 'ok');
    expect(new Set(generations.map((g) => g.provider))).toEqual(new Set(['openai', 'anthropic', 'google']));
    expect(generations.every((g) => (g.usage?.input ?? 0) > 0 && (g.usage?.output ?? 0) > 0)).toBe(true);
    const streamed = generations.filter((g) => g.completionStartTime !== undefined);
    expect(streamed.length).toBeGreaterThan(50);
    for (const g of streamed) {
      expect(g.completionStartTime as number).toBeGreaterThan(g.startTime as number);
      expect(g.completionStartTime as number).toBeLessThanOrEqual(g.endTime as number);
      expect(g.stream?.chunks).toBeGreaterThan(0);
    }
    expect(generations.some((g) => (g.usage?.cacheRead ?? 0) > 0)).toBe(true);
    expect(generations.some((g) => (g.usage?.reasoning ?? 0) > 0)).toBe(true);
  });

  it('has errors of several types, retried tool calls, and failed traces', () => {
    const failed = [...spans.values()].filter((s) => s.status === 'error');
    const types = new Set(failed.map((s) => s.error?.type));
    for (const type of ['RateLimitError', 'TimeoutError', 'UpstreamServiceError']) expect(types).toContain(type);
    expect(types.size).toBeGreaterThanOrEqual(4);
    const retriedLookups = [...spans.values()].filter((s) => s.name === 'lookup_order' && (s.metadata as { attempt?: number } | undefined)?.attempt === 2);
    expect(retriedLookups.length).toBeGreaterThan(0);
    expect(failed.some((s) => s.parentId === undefined)).toBe(true);
  });

  it('spreads traces over the past hours and leaves two running, with their user and session', () => {
    const roots = [...spans.values()].filter((s) => s.parentId === undefined);
    const runningRoots = roots.filter((s) => s.endTime === undefined);
    expect(runningRoots).toHaveLength(2);
    for (const root of runningRoots) {
      expect(root.status).toBe('running');
      expect([...root.phases]).toEqual(['start']);
      expect(root.trace).toMatchObject({ userId: expect.any(String) as unknown, sessionId: expect.any(String) as unknown, environment: 'production' });
      expect(Math.abs((root.startTime as number) - Date.now())).toBeLessThan(60_000);
    }
    const running = new Set(runningRoots.map((s) => s.traceId));
    const finished = [...spans.values()].filter((s) => !running.has(s.traceId));
    const starts = roots.filter((s) => !running.has(s.traceId)).map((s) => s.startTime as number);
    expect(Math.min(...starts)).toBeLessThan(NOW - 4 * HOUR);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(NOW - 6 * HOUR);
    expect(Math.max(...finished.map((s) => s.endTime ?? 0))).toBeLessThanOrEqual(NOW);
    expect(finished.every((s) => s.endTime !== undefined)).toBe(true);
  });

  it('delivers a large demo without drops (flushes as it goes)', async () => {
    events = [];
    const large = await runDemo({ url, traces: 1_500, seed: 3, now: NOW });
    expect(large.dropped).toBe(0);
    expect(merge(events).size).toBe(large.spans);
  });

  it('tells the same story for the same seed', async () => {
    // The two live traces start at the real time; everything else is fixed by the seed and `now`.
    const shape = (all: SpanEvent[]) => {
      const merged = [...merge(all).values()];
      const live = new Set(merged.filter((s) => s.parentId === undefined && s.endTime === undefined).map((s) => s.traceId));
      return merged
        .filter((s) => !live.has(s.traceId))
        .map((s) => `${s.name}|${s.kind}|${s.startTime}|${s.endTime}|${s.status}|${s.model ?? ''}|${s.trace?.userId ?? ''}`)
        .sort();
    };
    events = [];
    await runDemo({ url, traces: 25, seed: 99, now: NOW });
    const first = shape(events);
    events = [];
    await runDemo({ url, traces: 25, seed: 99, now: NOW });
    expect(shape(events)).toEqual(first);
    events = [];
    await runDemo({ url, traces: 25, seed: 100, now: NOW });
    expect(shape(events)).not.toEqual(first);
  });
});
