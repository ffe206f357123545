import type { Span } from '@wisp/sdk';
import { CHAT_MODELS, EMBEDDING_MODEL, KB_ARTICLES } from './demo-catalog.js';
import type { DemoModel } from './demo-catalog.js';
import { ContextLengthExceededError, RateLimitError, TimeoutError, ToolArgumentError } from './demo-errors.js';
import type { DemoTrace, DemoTraceAttributes } from './demo-trace.js';

export interface SupportTurn {
  startTime: number;
  question: string;
  /** Earlier turns of the conversation, as chat messages. */
  history: Array<{ role: string; content: string }>;
  attributes: DemoTraceAttributes;
  /** The release misbehaves: the order database times out more often (a regression to find). */
  slowOrders: boolean;
  /** Stop while the answer is still streaming (a live trace, started now: `startTime` is ignored). */
  leaveRunning?: boolean;
}

const SYSTEM_PROMPT = 'You are Wisp Shop\'s support agent. Be concise, cite the knowledge base, never invent order data.';

/**
 * One turn of a support conversation: input guardrail, knowledge-base retrieval (with an
 * embedding), a planning call that may hit a rate limit and retry, tool calls (order lookup with
 * timeouts and a retry, a calculator that sometimes gets bad arguments), the streamed answer, and
 * an output guardrail. Returns the end time (or undefined when left running).
 */
export function supportTurn(t: DemoTrace, turn: SupportTurn): number | undefined {
  const r = t.random;
  const chat: DemoModel = r.pick(CHAT_MODELS);
  const root = turn.leaveRunning
    ? t.liveRoot('support-turn', 'agent', turn.question, turn.attributes)
    : t.root('support-turn', 'agent', turn.startTime, turn.question, turn.attributes);
  let at = root.startTime + r.int(1, 8);

  // Input guardrail: PII and jailbreak screening.
  const flagged = r.chance(0.04);
  at = t.step(root, 'input-guardrail', 'guardrail', at, r.latency(35, 0.4), { input: turn.question }, {
    output: { flagged, categories: flagged ? ['prompt_injection'] : [] },
    ...(flagged ? { level: 'warning', statusMessage: 'request blocked: prompt injection' } : {}),
  });
  if (flagged) {
    const answer = 'Sorry, I cannot help with that request.';
    root.end({ endTime: at + 3, output: answer, level: 'warning', statusMessage: 'blocked by input guardrail' });
    return at + 3;
  }

  // Knowledge-base retrieval: embed the question, then a vector search.
  const retrieval = t.start(root, 'kb-search', 'retriever', at, { input: { query: turn.question, topK: 4 } });
  let rAt = at + 2;
  rAt = t.step(retrieval, 'embed-query', 'embedding', rAt, r.latency(45, 0.4), {
    provider: EMBEDDING_MODEL.provider,
    model: EMBEDDING_MODEL.model,
    input: turn.question,
  }, { usage: { input: r.int(12, 40) }, output: { dimensions: 1536 } });
  if (r.chance(0.3)) t.event(retrieval, 'embedding-cache-hit', rAt, { key: 'q:' + turn.question.length });
  const docs = [r.pick(KB_ARTICLES), r.pick(KB_ARTICLES), r.pick(KB_ARTICLES)].map((id, i) => ({ id, score: Math.round((0.92 - i * 0.07 - r.next() * 0.05) * 1000) / 1000 }));
  rAt = t.step(retrieval, 'vector-search', 'span', rAt, r.latency(60, 0.5), { input: { index: 'kb-v3', topK: 4 } }, { output: docs });
  retrieval.end({ endTime: rAt + 1, output: docs });
  at = rAt + 2;

  // Plan: which tools to call. A rate limit now and then, retried after a backoff.
  const messages = [{ role: 'system', content: SYSTEM_PROMPT }, ...turn.history, { role: 'user', content: turn.question }];
  const tools = pickTools(t, turn.question);
  const inputTokens = 900 + turn.history.length * 180 + r.int(0, 400);
  if (r.chance(0.07)) {
    const failed = t.generation(root, 'plan-tools', chat, at, {
      input: messages,
      output: undefined,
      inputTokens,
      outputTokens: 0,
      stream: false,
      fail: new RateLimitError(`429 Rate limit reached for ${chat.model}: tokens per min limit exceeded`),
    });
    const backoff = r.int(400, 2500);
    t.event(root, 'retry-backoff', failed.end + 1, { attempt: 2, delayMs: backoff, reason: 'rate_limited' });
    at = failed.end + backoff;
  }
  at = t.generation(root, 'plan-tools', chat, at, {
    input: messages,
    output: { tool_calls: tools.map((name) => ({ name })) },
    inputTokens,
    outputTokens: r.int(20, 90),
    stream: false,
    cached: turn.history.length > 0,
    temperature: 0,
  }).end;

  // Tools.
  const toolResults: Record<string, unknown> = {};
  for (const tool of tools) {
    at = runTool(t, root, tool, at + r.int(1, 6), turn, toolResults);
  }

  // The answer, streamed. Rarely the history no longer fits the context window.
  if (turn.leaveRunning) {
    t.start(root, 'answer', 'generation', at + 2, { provider: chat.provider, model: chat.model, input: messages });
    return undefined;
  }
  if (turn.history.length >= 4 && r.chance(0.5)) {
    const error = new ContextLengthExceededError(`This model's maximum context length is 128000 tokens; the messages resulted in 131204 tokens.`);
    const failed = t.generation(root, 'answer', chat, at + 2, { input: messages, output: undefined, inputTokens: 131_204, outputTokens: 0, stream: true, fail: error });
    root.end({ endTime: failed.end + 2, error });
    return failed.end + 2;
  }
  const answer = composeAnswer(turn.question, toolResults);
  at = t.generation(root, 'answer', chat, at + 2, {
    input: [...messages, { role: 'tool', content: JSON.stringify(toolResults) }],
    output: answer,
    inputTokens: inputTokens + 350,
    outputTokens: r.int(60, 320),
    stream: true,
    cached: true,
    temperature: 0.4,
  }).end;

  at = t.step(root, 'output-guardrail', 'guardrail', at + 1, r.latency(25, 0.4), { input: answer }, { output: { toxic: false, pii: false } });
  root.end({ endTime: at + 2, output: answer });
  return at + 2;
}

function pickTools(t: DemoTrace, question: string): string[] {
  const r = t.random;
  const tools: string[] = [];
  if (question.includes('#')) tools.push('lookup_order');
  if (/refund|charged|cost|upgrade/i.test(question)) tools.push('calculator');
  if (tools.length === 0 || r.chance(0.3)) tools.push('fetch_kb_article');
  return tools;
}

function runTool(t: DemoTrace, root: Span, tool: string, start: number, turn: SupportTurn, results: Record<string, unknown>): number {
  const r = t.random;
  if (tool === 'lookup_order') {
    const orderId = /#(\d+)/.exec(turn.question)?.[1] ?? '0';
    let at = start;
    const timeoutRate = turn.slowOrders ? 0.3 : 0.06;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const timedOut = r.chance(timeoutRate);
      const span = t.start(root, 'lookup_order', 'tool', at, { input: { orderId }, metadata: { attempt, db: 'orders-replica-2' } });
      if (timedOut) {
        at += 2000 + r.int(0, 30);
        span.end({ endTime: at, error: new TimeoutError(`orders-db query exceeded 2000 ms (order ${orderId})`) });
        if (attempt === 1) {
          t.event(root, 'tool-retry', at + 1, { tool: 'lookup_order', attempt: 2 });
          at += r.int(100, 300);
          continue;
        }
        results.lookup_order = { error: 'order system unavailable' };
        return at;
      }
      at += r.latency(turn.slowOrders ? 420 : 140, 0.5);
      const order = { orderId, status: r.pick(['in_transit', 'delivered', 'label_created', 'delayed']), carrier: r.pick(['DHL', 'UPS', 'PostNord']), total: r.int(19, 480) };
      span.end({ endTime: at, output: order });
      results.lookup_order = order;
      return at;
    }
    return at;
  }
  if (tool === 'calculator') {
    const bad = r.chance(0.05);
    const expression = bad ? 'refund = total / 0' : `refund = ${r.int(19, 480)} * ${r.pick([0.5, 1, 0.25])}`;
    const span = t.start(root, 'calculator', 'tool', start, { input: { expression } });
    const end = start + r.latency(4, 0.5);
    if (bad) {
      span.end({ endTime: end, error: new ToolArgumentError('division by zero in expression "refund = total / 0"') });
      results.calculator = { error: 'bad expression' };
    } else {
      const value = Math.round(r.between(9, 480) * 100) / 100;
      span.end({ endTime: end, output: { value } });
      results.calculator = { value };
    }
    return end;
  }
  const article = r.pick(KB_ARTICLES);
  const end = t.step(root, 'fetch_kb_article', 'tool', start, r.latency(80, 0.4), { input: { id: article } }, { output: { id: article, words: r.int(200, 900) } });
  results.fetch_kb_article = { id: article };
  return end;
}

function composeAnswer(question: string, results: Record<string, unknown>): string {
  const order = results.lookup_order as { status?: string; carrier?: string; error?: string } | undefined;
  if (order?.error) return 'I could not reach our order system right now. I have opened a ticket and we will email you within 24 hours.';
  if (order?.status) return `Your order is ${order.status.replace('_', ' ')} with ${order.carrier ?? 'the carrier'}. ${question.includes('refund') ? 'Refunds take 5–7 business days.' : 'You will get an email at each step.'}`;
  return 'According to our knowledge base, you can do this from Settings → Orders. Anything else I can help with?';
}
