/**
 * Shared by the dashboard's browser tests and bench: a real collector (serving packages/ui/dist),
 * Debian's Chromium through playwright-core, traces sent by the real SDK, and a pixel server that
 * counts requests (to prove no remote image is ever loaded).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Wisp, type Span } from '@wisp/sdk';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/test-server.js';

export const UI_DIST = fileURLToPath(new URL('../../packages/ui/dist/', import.meta.url));
const CHROMIUM = process.env.WISP_CHROMIUM ?? '/usr/bin/chromium';

/** Fails early with the fix when the dashboard was not built (the root test command builds it). */
export function assertUiBuilt(): void {
  if (!existsSync(`${UI_DIST}index.html`)) throw new Error('packages/ui/dist is missing: run `npm run build -w @wisp/ui` first');
}

export async function startUiServer(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  assertUiBuilt();
  return startTestServer({ uiDir: UI_DIST, ...config });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page at a laptop-sized viewport; `errors` collects uncaught page errors and CSP violations. */
export async function openPage(browser: Browser, options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Anything the CSP had to block means the app tried something it must not (inline script or style).
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return { page, context, errors };
}

/** An SDK client sending to the collector, flushing quickly. */
export function sdkFor(server: { url: string }, serviceName = 'ui-test'): Wisp {
  return new Wisp({ endpoint: server.url, serviceName, lingerMs: 5 });
}

/** Counts every request to http://127.0.0.1:<port>/pixel.png. */
export async function startPixelServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pixel.png`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const MODELS = [
  { provider: 'openai', model: 'gpt-4o', inPrice: 2.5e-6, outPrice: 10e-6 },
  { provider: 'openai', model: 'gpt-4o-mini', inPrice: 0.15e-6, outPrice: 0.6e-6 },
  { provider: 'anthropic', model: 'claude-sonnet-4', inPrice: 3e-6, outPrice: 15e-6 },
];
const QUESTIONS = [
  'Where is my order #4417?',
  'Can I get a refund for a damaged blender?',
  'How do I reset my password?',
  'Which plan includes SSO?',
  'My invoice shows a double charge.',
  'Cancel my subscription please.',
];

/** A deterministic pseudo-random sequence, so seeded data (and screenshots) look the same each run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function end(span: Span, at: number, extra: Parameters<Span['end']>[0] = {}): void {
  span.end({ endTime: at, ...extra });
}

/**
 * Sends `count` agent runs spread over the last `spreadMs`: a support agent planning with a model,
 * calling tools (some failing), retrieving documents and answering; conversations share sessions.
 */
export async function seedAgentTraces(wisp: Wisp, count: number, options: { spreadMs?: number; seed?: number } = {}): Promise<string[]> {
  const rnd = random(options.seed ?? 7);
  const spread = options.spreadMs ?? 2 * 3_600_000;
  const now = Date.now() - 5_000;
  const traceIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = now - spread + Math.floor((spread * i) / count) + Math.floor(rnd() * 1000);
    const question = QUESTIONS[i % QUESTIONS.length]!;
    const m = MODELS[i % MODELS.length]!;
    const failing = i % 7 === 3;
    const agentName = i % 5 === 4 ? 'refund-agent' : 'support-agent';
    const root = wisp.startSpan(agentName, { kind: 'agent', root: true, startTime: t0, input: { question } });
    root.updateTrace({
      name: agentName,
      userId: `user-${(i % 6) + 1}`,
      sessionId: `conv-${Math.floor(i / 3) + 1}`,
      tags: i % 2 ? ['prod', 'web'] : ['prod', 'mobile'],
      environment: 'production',
      release: i < count / 2 ? 'v1.7.0' : 'v1.8.0',
      input: { question },
    });
    let t = t0 + 3;
    const plan = wisp.startGeneration('plan', { parent: root, startTime: t, provider: m.provider, model: m.model });
    const planMs = 300 + Math.floor(rnd() * 900);
    const inTok = 400 + Math.floor(rnd() * 800);
    const outTok = 40 + Math.floor(rnd() * 80);
    end(plan, t + planMs, {
      input: [
        { role: 'system', content: 'You are a helpful support agent. Use tools to look things up.' },
        { role: 'user', content: question },
      ],
      output: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'search_docs', arguments: JSON.stringify({ query: question, top_k: 3 }) } }],
      },
      usage: { input: inTok, output: outTok },
      cost: inTok * m.inPrice + outTok * m.outPrice,
      completionStartTime: t + Math.floor(planMs * 0.35),
      modelParameters: { temperature: 0.2 },
    });
    t += planMs + 2;
    const tool = wisp.startSpan('search_docs', { kind: 'tool', parent: root, startTime: t, input: { query: question, top_k: 3 } });
    const toolMs = 40 + Math.floor(rnd() * (failing ? 2500 : 300));
    if (failing) {
      const err = new Error('search backend returned 429 Too Many Requests');
      err.name = 'RateLimitError';
      end(tool, t + toolMs, { error: err });
    } else {
      end(tool, t + toolMs, { output: [{ id: 'kb-12', title: 'Orders and shipping', score: 0.91 }, { id: 'kb-40', title: 'Refund policy', score: 0.77 }] });
    }
    t += toolMs + 2;
    const retrieve = wisp.startSpan('rerank', { kind: 'retriever', parent: root, startTime: t, input: { candidates: 12 } });
    end(retrieve, t + 20 + Math.floor(rnd() * 60), { output: { kept: 3 } });
    t += 90;
    const guard = wisp.startSpan('pii-guard', { kind: 'guardrail', parent: root, startTime: t });
    end(guard, t + 8, { output: { flagged: false } });
    t += 10;
    const answer = wisp.startGeneration('answer', { parent: root, startTime: t, provider: m.provider, model: m.model });
    const ansMs = 600 + Math.floor(rnd() * 1800);
    const aIn = 900 + Math.floor(rnd() * 1500);
    const aOut = 120 + Math.floor(rnd() * 300);
    const reply = failing ? 'Sorry, I could not look that up right now.' : `Here is what I found about “${question}”: see Orders and shipping.`;
    end(answer, t + ansMs, {
      input: [
        { role: 'system', content: 'Answer using the documents.' },
        { role: 'user', content: question },
        { role: 'tool', tool_call_id: `call_${i}`, content: failing ? 'error: rate limited' : '[{"id":"kb-12"}]' },
      ],
      output: { role: 'assistant', content: reply },
      usage: { input: aIn, output: aOut, cacheRead: Math.floor(aIn / 3) },
      cost: aIn * m.inPrice + aOut * m.outPrice,
      completionStartTime: t + 150 + Math.floor(rnd() * 400),
      stream: { chunks: 40, meanChunkGapMs: 12, maxChunkGapMs: 80 },
    });
    t += ansMs + 3;
    root.updateTrace({ output: { answer: reply } });
    end(root, t, { output: { answer: reply }, ...(failing ? { error: Object.assign(new Error('tool search_docs failed'), { name: 'ToolError' }) } : {}) });
    traceIds.push(root.traceId);
  }
  await wisp.flush(10_000);
  return traceIds;
}

/** One trace of `spans` spans in a tree (fan-out `width`), for the 10,000-span test and bench. */
export async function seedLargeTrace(wisp: Wisp, spans: number, width = 12): Promise<string> {
  const t0 = Date.now() - 60_000;
  const root = wisp.startSpan('batch-evaluation', { kind: 'agent', root: true, startTime: t0, input: { items: spans } });
  root.updateTrace({ name: 'batch-evaluation', tags: ['large'] });
  const created: Array<{ span: Span; endTime: number; failed: boolean }> = [];
  const parents: Span[] = [root];
  const kinds = ['chain', 'tool', 'generation', 'retriever', 'span'] as const;
  for (let i = 1; i < spans; i++) {
    const parent = parents[Math.floor((i - 1) / width)] ?? root;
    const start = t0 + i * 5;
    const span = wisp.startSpan(`step-${i}`, { kind: kinds[i % kinds.length]!, parent, startTime: start, input: { i } });
    parents.push(span);
    created.push({ span, endTime: start + 3 + (i % 40), failed: i % 997 === 0 });
  }
  // Children end before their parents, as in a real run.
  for (let i = created.length - 1; i >= 0; i--) {
    const { span, endTime, failed } = created[i]!;
    end(span, endTime, { output: { ok: true }, ...(failed ? { error: new Error(`${span.traceId.slice(0, 4)} step failed`) } : {}) });
  }
  end(root, t0 + spans * 5 + 50);
  await wisp.flush(30_000);
  return root.traceId;
}

/** Waits (bounded) until the query API lists `count` traces matching `query`. */
export async function waitForTraces(server: { url: string }, count: number, query = '', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/traces?limit=200${query ? `&${query}` : ''}`);
    const body = (await res.json()) as { items?: unknown[] };
    if ((body.items?.length ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${body.items?.length ?? 0} of ${count} traces visible after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type { Page, Browser };
