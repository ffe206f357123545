/**
 * Deterministic agent-like traces for the query tests: a root agent with generations (model,
 * provider, usage, cost, streamed TTFT), tools (some failing with typed errors) and retrievers, over
 * a few users, sessions, tags, releases and environments.
 */
import type { SpanEvent } from '@wisp/protocol';

import { seededRandom } from '../../packages/server/src/seeded-random.js';

export const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const traceIdOf = (i: number, salt = 0) => hex(salt * 1_000_003 + i + 1, 32);
export const spanIdOf = (t: number, s: number, salt = 0) => hex((salt * 1_000_003 + t + 1) * 4096 + s + 1, 16);

export interface FixtureOptions {
  traces: number;
  /** Start of the first trace (epoch ms). */
  start: number;
  /** Gap between trace starts in ms. */
  gapMs?: number;
  seed?: number;
  /** Distinguishes ids of fixtures loaded into one store. */
  salt?: number;
}

export const MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-3-5-haiku' },
  { provider: 'openai', model: 'gpt-4.1' },
] as const;
export const TOOLS = ['search', 'calculator', 'fetch_url'] as const;

/** `full` span events (start and end merged), children first to exercise out-of-order arrival. */
export function makeTraces(o: FixtureOptions): SpanEvent[] {
  const r = seededRandom(o.seed ?? 1);
  const events: SpanEvent[] = [];
  const gap = o.gapMs ?? 1_000;
  for (let t = 0; t < o.traces; t++) {
    const traceId = traceIdOf(t, o.salt);
    const start = o.start + t * gap;
    const rootId = spanIdOf(t, 0, o.salt);
    const children: SpanEvent[] = [];
    let cursor = start + 1;
    const steps = 1 + Math.floor(r() * 4);
    for (let s = 1; s <= steps; s++) {
      const spanId = spanIdOf(t, s, o.salt);
      const kindRoll = r();
      const dur = 5 + Math.floor(r() * 2_000);
      const base: SpanEvent = { type: 'span', phase: 'full', traceId, spanId, parentId: rootId, time: cursor + dur, startTime: cursor, endTime: cursor + dur, service: 'svc-a' };
      if (kindRoll < 0.5) {
        const m = MODELS[Math.floor(r() * MODELS.length)]!;
        const input = 10 + Math.floor(r() * 1_000);
        const output = 1 + Math.floor(r() * 500);
        children.push({
          ...base,
          name: `llm:${m.model}`,
          kind: 'generation',
          status: 'ok',
          provider: m.provider,
          model: m.model,
          usage: { input, output, cacheRead: Math.floor(input / 4), total: input + output },
          cost: Math.round((input * 1e-6 + output * 3e-6) * 1e9) / 1e9,
          completionStartTime: cursor + Math.min(dur - 1, 3 + Math.floor(r() * 300)),
          input: { messages: [{ role: 'user', content: `question ${t} about ${TOOLS[t % 3]}` }] },
          output: { role: 'assistant', content: `answer ${t}` },
        });
      } else if (kindRoll < 0.85) {
        const tool = TOOLS[Math.floor(r() * TOOLS.length)]!;
        const fail = r() < 0.2;
        children.push({
          ...base,
          name: `tool:${tool}`,
          kind: 'tool',
          status: fail ? 'error' : 'ok',
          ...(fail ? { error: { type: r() < 0.5 ? 'TimeoutError' : 'HTTP 429', message: `tool ${tool} failed in trace ${t}` } } : {}),
          input: { query: `q${t}` },
          output: fail ? undefined : { result: `r${t}` },
        });
      } else {
        children.push({ ...base, name: 'retrieve', kind: 'retriever', status: 'ok', input: { q: t }, output: { docs: [t, t + 1] } });
      }
      cursor += dur + 1;
    }
    const rootFails = r() < 0.05;
    const root: SpanEvent = {
      type: 'span',
      phase: 'full',
      traceId,
      spanId: rootId,
      time: cursor + 1,
      name: `agent:${['planner', 'support', 'research'][t % 3]}`,
      kind: 'agent',
      startTime: start,
      endTime: cursor + 1,
      status: rootFails ? 'error' : 'ok',
      ...(rootFails ? { error: { type: 'AgentError', message: 'gave up' } } : {}),
      service: 'svc-a',
      input: { prompt: `Prompt number ${t} for user-${t % 7}` },
      output: { answer: `Answer number ${t}` },
      trace: {
        name: `agent:${['planner', 'support', 'research'][t % 3]}`,
        userId: `user-${t % 7}`,
        sessionId: `session-${t % 11}`,
        tags: t % 2 === 0 ? ['even', `mod3-${t % 3}`] : [`mod3-${t % 3}`],
        release: t % 4 === 0 ? 'v2' : 'v1',
        environment: t % 5 === 0 ? 'staging' : 'production',
        metadata: { index: t },
      },
    };
    events.push(...children, root);
  }
  return events;
}

/** What a trace of the fixture should look like through the API, computed from its events. */
export interface ExpectedTrace {
  traceId: string;
  name: string;
  startTime: number;
  endTime: number;
  durationMs: number;
  status: 'ok' | 'error';
  userId: string;
  sessionId: string;
  tags: string[];
  release: string;
  environment: string;
  kinds: Set<string>;
  models: Set<string>;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
  text: string;
}

export function expectedTraces(events: readonly SpanEvent[]): Map<string, ExpectedTrace> {
  const out = new Map<string, ExpectedTrace>();
  for (const e of events) {
    let t = out.get(e.traceId);
    if (!t) {
      t = { traceId: e.traceId, name: '', startTime: 0, endTime: 0, durationMs: 0, status: 'ok', userId: '', sessionId: '', tags: [], release: '', environment: '', kinds: new Set(), models: new Set(), spanCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0, text: '' };
      out.set(e.traceId, t);
    }
    t.spanCount += 1;
    if (e.status === 'error') {
      t.errorCount += 1;
      t.status = 'error';
    }
    t.kinds.add(e.kind ?? 'span');
    if (e.model) t.models.add(e.model);
    t.inputTokens += e.usage?.input ?? 0;
    t.outputTokens += e.usage?.output ?? 0;
    t.totalTokens += e.usage?.total ?? 0;
    t.cost += e.cost ?? 0;
    if (e.parentId === undefined) {
      t.name = e.trace?.name ?? e.name ?? '';
      t.startTime = e.startTime!;
      t.endTime = e.endTime!;
      t.durationMs = e.endTime! - e.startTime!;
      t.userId = e.trace?.userId ?? '';
      t.sessionId = e.trace?.sessionId ?? '';
      t.tags = [...(e.trace?.tags ?? [])].sort();
      t.release = e.trace?.release ?? '';
      t.environment = e.trace?.environment ?? '';
      t.text = `${t.name} ${JSON.stringify(e.input)} ${JSON.stringify(e.output)}`;
    }
  }
  return out;
}
