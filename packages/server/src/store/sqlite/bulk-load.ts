/**
 * Synthetic but realistic traffic for benchmarks and tests, written through `Store.write` in big
 * batches: agent runs with LLM generations (models, providers, tokens, streaming TTFT), tool calls,
 * retrievers, nested agents, errors, users, sessions, tags, releases and environments, spread over
 * a time range. Deterministic for a given seed.
 *
 * @example
 * ```ts
 * await bulkLoad(store, { projectId: 'bench', spans: 1_000_000, from: Date.now() - 86_400_000, to: Date.now() });
 * ```
 */
import type { SpanEvent } from '@wisp/protocol';
import type { SpanWriter } from '../store.js';
import { seededRandom } from '../../seeded-random.js';

export interface BulkLoadOptions {
  projectId: string;
  /** Approximate number of spans to write (whole traces are written). */
  spans: number;
  /** Start of the time range traces are spread over (epoch ms). @default now - 24 h */
  from?: number;
  /** End of the range. @default now */
  to?: number;
  /** @default 1 */
  seed?: number;
  /** Spans per `write` call. @default 20_000 */
  batchSpans?: number;
  /**
   * `full`: one event per span (start and end merged, as the SDK does for short spans);
   * `split`: a start and an end event per span, ends written one batch later (exercises the merge).
   * @default 'full'
   */
  mode?: 'full' | 'split';
  /** Also write one trace with this many spans (the 10,000-span detail benchmark). */
  bigTraceSpans?: number;
  /** Called after each batch. */
  onProgress?: (written: number) => void;
}

export interface BulkLoadResult {
  spans: number;
  traces: number;
  /** Trace id of the big trace, when requested. */
  bigTraceId: string | null;
  ms: number;
}

const MODELS: Array<[provider: string, model: string]> = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'o3-mini'],
  ['anthropic', 'claude-3-5-sonnet-20241022'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['google', 'gemini-1.5-pro'],
];
const TOOLS = ['search_web', 'get_weather', 'run_sql', 'read_file', 'send_email', 'calculator', 'fetch_url', 'lookup_customer'];
const AGENTS = ['support-agent', 'research-agent', 'sql-agent', 'planner', 'rag-pipeline'];
const NODES = ['plan', 'route', 'summarize', 'critique', 'answer'];
const ERRORS: Array<[type: string, message: string]> = [
  ['RateLimitError', '429 Too Many Requests: rate limit reached for requests'],
  ['TimeoutError', 'Request timed out after 30000 ms'],
  ['ToolError', 'tool returned invalid JSON'],
  ['HTTP 502', 'Bad Gateway from upstream'],
];
const TOPICS = ['refund policy', 'weather in Paris', 'quarterly revenue', 'password reset', 'shipping delay', 'API limits', 'invoice copy', 'SLA terms'];


function hex(r: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, length);
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Log-normal-ish duration in ms around `median`. */
function duration(r: () => number, median: number): number {
  const z = Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
  return Math.max(0.05, Math.round(median * Math.exp(0.6 * z) * 1000) / 1000);
}

/** Generates one trace's span events (`full` events; parents before children). */
export function syntheticTrace(r: () => number, startTime: number, maxSpans = Infinity): SpanEvent[] {
  const traceId = hex(r, 32);
  const agent = pick(r, AGENTS);
  const topic = pick(r, TOPICS);
  const user = `user-${Math.floor(Math.pow(r(), 2) * 500)}`;
  const session = `${user}-s${Math.floor(r() * 4)}`;
  const release = `v1.${Math.floor(r() * 5)}.0`;
  const environment = r() < 0.85 ? 'production' : 'staging';
  const events: SpanEvent[] = [];
  const rootId = hex(r, 16);
  let cursor = startTime + 1;
  let failed = false;

  const span = (parentId: string, fields: Partial<SpanEvent> & { name: string }, ms: number): SpanEvent => {
    const start = cursor;
    const end = Math.round((start + ms) * 1000) / 1000;
    cursor = end + 0.2;
    const e: SpanEvent = { type: 'span', phase: 'full', traceId, spanId: hex(r, 16), parentId, time: end, startTime: start, endTime: end, status: 'ok', service: 'agent-app', ...fields };
    events.push(e);
    return e;
  };
  const generation = (parentId: string): void => {
    const [provider, model] = pick(r, MODELS);
    const input = 200 + Math.floor(r() * 3000);
    const output = 20 + Math.floor(r() * 600);
    const ms = duration(r, 900);
    const fail = r() < 0.03;
    const e = span(parentId, {
      name: 'chat ' + model,
      kind: 'generation',
      provider,
      model,
      usage: { input, output, cacheRead: r() < 0.3 ? Math.floor(input / 2) : 0 },
      completionStartTime: cursor + Math.min(ms * 0.8, duration(r, 300)),
      stream: { chunks: 10 + Math.floor(r() * 100) },
      modelParameters: { temperature: 0.2 },
      input: [{ role: 'user', content: `Question about ${topic}: ${hex(r, 12)}` }],
      output: fail ? undefined : { role: 'assistant', content: `Here is what I found about ${topic}.` },
    }, ms);
    if (fail) {
      const [type, message] = ERRORS[Math.floor(r() * 2)]!;
      Object.assign(e, { status: 'error', error: { type, message }, level: 'error' });
      failed = true;
    }
  };
  const tool = (parentId: string): void => {
    const name = pick(r, TOOLS);
    const fail = r() < 0.04;
    const e = span(parentId, { name, kind: 'tool', input: { query: topic }, output: fail ? undefined : { ok: true, rows: Math.floor(r() * 20) } }, duration(r, 120));
    if (fail) {
      const [type, message] = ERRORS[2 + Math.floor(r() * 2)]!;
      Object.assign(e, { status: 'error', error: { type, message }, level: 'error' });
      failed = true;
    }
  };

  const steps = 2 + Math.floor(r() * 5);
  for (let i = 0; i < steps && events.length < maxSpans - 3; i++) {
    const roll = r();
    if (roll < 0.45) generation(rootId);
    else if (roll < 0.75) tool(rootId);
    else if (roll < 0.88) span(rootId, { name: 'retrieve docs', kind: 'retriever', input: { query: topic }, output: { documents: 5 } }, duration(r, 60));
    else {
      const node = span(rootId, { name: pick(r, NODES), kind: 'chain' }, 0);
      generation(node.spanId);
      tool(node.spanId);
      node.endTime = cursor;
      node.time = cursor;
    }
  }
  while (events.length < maxSpans - 1 && maxSpans !== Infinity) tool(rootId);
  const root: SpanEvent = {
    type: 'span',
    phase: 'full',
    traceId,
    spanId: rootId,
    time: cursor,
    name: agent,
    kind: 'agent',
    startTime,
    endTime: cursor,
    status: failed && r() < 0.5 ? 'error' : 'ok',
    service: 'agent-app',
    input: { question: `Tell me about ${topic}` },
    output: { answer: `Summary about ${topic} (${hex(r, 6)})` },
    trace: { name: agent, userId: user, sessionId: session, release, environment, tags: r() < 0.3 ? ['beta', agent] : [agent] },
  };
  if (root.status === 'error') root.error = { type: 'AgentError', message: 'agent gave up after a failed step' };
  events.unshift(root);
  return events;
}

function toSplit(events: SpanEvent[]): { starts: SpanEvent[]; ends: SpanEvent[] } {
  const starts: SpanEvent[] = [];
  const ends: SpanEvent[] = [];
  for (const e of events) {
    const start: SpanEvent = { type: 'span', phase: 'start', traceId: e.traceId, spanId: e.spanId, time: e.startTime!, name: e.name, kind: e.kind, startTime: e.startTime, status: 'running', service: e.service };
    if (e.parentId !== undefined) start.parentId = e.parentId;
    if (e.model !== undefined) start.model = e.model;
    if (e.provider !== undefined) start.provider = e.provider;
    if (e.input !== undefined) start.input = e.input;
    if (e.trace !== undefined) start.trace = e.trace;
    starts.push(start);
    ends.push({ ...e, phase: 'end' });
  }
  return { starts, ends };
}

/**
 * The batches `bulkLoad` writes, as a generator (benchmarks build them before timing the writes).
 * Each item is one `write` call's spans.
 */
export function* syntheticBatches(options: BulkLoadOptions, info: { traces: number; bigTraceId: string | null } = { traces: 0, bigTraceId: null }): Generator<SpanEvent[]> {
  const r = seededRandom(options.seed ?? 1);
  const to = options.to ?? Date.now();
  const from = options.from ?? to - 86_400_000;
  const batchSpans = options.batchSpans ?? 20_000;
  const split = (options.mode ?? 'full') === 'split';
  let batch: SpanEvent[] = [];
  let pendingEnds: SpanEvent[] = [];
  let produced = 0;
  const take = (): SpanEvent[] => {
    produced += batch.length;
    let spans = batch;
    if (split) {
      const { starts, ends } = toSplit(batch);
      spans = starts.concat(pendingEnds);
      pendingEnds = ends;
    }
    batch = [];
    return spans;
  };
  if (options.bigTraceSpans) {
    const big = syntheticTrace(r, from + (to - from) / 2, options.bigTraceSpans);
    info.bigTraceId = big[0]!.traceId;
    info.traces++;
    batch = big;
    yield take();
  }
  // Traces in start-time order, evenly spread, as live traffic arrives.
  const estimatedTraces = Math.max(1, Math.round(options.spans / 6.5));
  const step = (to - from - 60_000) / estimatedTraces;
  let t = from;
  while (produced + batch.length < options.spans) {
    for (const e of syntheticTrace(r, Math.round(t * 1000) / 1000)) batch.push(e);
    info.traces++;
    t += step;
    if (batch.length >= batchSpans) yield take();
  }
  if (batch.length > 0) yield take();
  if (pendingEnds.length > 0) yield pendingEnds;
}

/** Writes about `options.spans` synthetic spans through `store.write`. */
export async function bulkLoad(store: Pick<SpanWriter, 'write'>, options: BulkLoadOptions): Promise<BulkLoadResult> {
  const began = performance.now();
  const info = { traces: 0, bigTraceId: null as string | null };
  let written = 0;
  for (const spans of syntheticBatches(options, info)) {
    await store.write([{ projectId: options.projectId, spans, reports: [] }]);
    written += spans.length;
    options.onProgress?.(written);
  }
  const spans = options.mode === 'split' ? written / 2 : written;
  return { spans, traces: info.traces, bigTraceId: info.bigTraceId, ms: performance.now() - began };
}
