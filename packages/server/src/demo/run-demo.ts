import { Wisp } from '@wisp/sdk';
import { FOLLOW_UPS, RESEARCH_TOPICS, SUPPORT_QUESTIONS, USERS } from './demo-catalog.js';
import { DemoTrace } from './demo-trace.js';
import type { DemoTraceAttributes } from './demo-trace.js';
import { Random } from './random.js';
import { researchTask } from './research-task.js';
import { supportTurn } from './support-turn.js';

/** Options of `runDemo`. */
export interface DemoOptions {
  /** The collector, e.g. `http://127.0.0.1:4318`. */
  url: string;
  /** A project API key; without one the SDK reads `WISP_API_KEY` (a loopback collector needs none). */
  apiKey?: string;
  /** Traces to send, including the ones left running. @default 120 */
  traces?: number;
  /** The traffic is spread over this many past hours (at least 0.5). @default 6 */
  hours?: number;
  /** Same seed, same story. @default 42 */
  seed?: number;
  /** "Now" for the timeline (epoch ms). @default Date.now() */
  now?: number;
  /** How long to wait for delivery at the end. @default 15000 */
  timeoutMs?: number;
}

export interface DemoResult {
  /** Traces created, the running ones included. */
  traces: number;
  /** Spans created, the running ones included. */
  spans: number;
  /** Spans the SDK could not deliver (0 with a healthy collector). */
  dropped: number;
  /** Traces deliberately left running. */
  running: number;
}

export const DEMO_DEFAULTS = { traces: 120, hours: 6, seed: 42, timeoutMs: 15_000 } as const;

const MINUTE = 60_000;
const FLUSH_EVERY_TRACES = 500;
/** Below this window, sessions of several turns would run past "now". */
const MIN_HOURS = 0.5;

/**
 * Sends realistic traffic from two simulated agents through the real `@wisp/sdk`, so a new user
 * sees a living system at once: a support agent (multi-turn sessions of several users, guardrails,
 * retrieval, tool calls with timeouts and retries, streamed answers with time to first token, a
 * release that made order lookups slower two hours ago) and a research agent (a reasoning planner,
 * parallel researcher sub-agents, a writer chain with a long-context fallback). Traces are spread
 * over the last `hours`; one or two are left running, started at the real current time.
 * Deterministic for a given seed and `now` (the running traces apart, which start at the real time).
 *
 * @example
 * ```ts
 * const { traces, spans } = await runDemo({ url: 'http://127.0.0.1:4318' });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const total = Math.max(0, Math.floor(options.traces ?? DEMO_DEFAULTS.traces));
  const hours = options.hours !== undefined && options.hours > 0 ? Math.max(MIN_HOURS, options.hours) : DEMO_DEFAULTS.hours;
  const random = new Random(options.seed ?? DEMO_DEFAULTS.seed);
  const now = options.now ?? Date.now();
  const windowStart = now - hours * 60 * MINUTE;
  // Completed traces end well before now; sessions need room for several turns.
  const latestStart = Math.max(windowStart, now - 25 * MINUTE);
  const deployAt = now - Math.min(2 * 60 * MINUTE, hours * 60 * MINUTE * 0.35);

  // SDK diagnostics (a collector that refuses the key, say) go to the SDK's default console line.
  const common = { endpoint: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}), flushOnBeforeExit: false };
  const support = new Wisp({ ...common, serviceName: 'support-bot' });
  const research = new Wisp({ ...common, serviceName: 'research-agent' });

  const running = total >= 10 ? 2 : total >= 2 ? 1 : 0;
  let remaining = total - running;
  let spans = 0;
  let sessionCount = 0;

  const timeout = options.timeoutMs ?? DEMO_DEFAULTS.timeoutMs;
  let sinceFlush = 0;
  while (remaining > 0) {
    // Everything above runs synchronously; flushing now and then keeps a large demo inside the
    // SDK's queue bounds instead of counting drops.
    if (sinceFlush >= FLUSH_EVERY_TRACES) {
      await Promise.all([support.flush(timeout), research.flush(timeout)]);
      sinceFlush = 0;
    }
    sessionCount++;
    const user = random.pick(USERS);
    const environment = random.chance(0.15) ? 'staging' : 'production';
    const start = Math.round(random.between(windowStart, latestStart));
    if (random.chance(0.3)) {
      const t = new DemoTrace(research, random);
      researchTask(t, {
        startTime: start,
        topic: random.pick(RESEARCH_TOPICS),
        attributes: researchAttributes(user.id, `research-${sessionCount}`, environment),
      });
      spans += t.spans;
      remaining--;
      sinceFlush++;
      continue;
    }
    // A support conversation: one to four turns, a user's think time apart.
    const turns = Math.min(remaining, random.int(1, 4));
    const sessionId = `sess-${(options.seed ?? DEMO_DEFAULTS.seed).toString(36)}-${sessionCount}`;
    const history: Array<{ role: string; content: string }> = [];
    const channel = random.pick(['web', 'web', 'email', 'mobile']);
    let at = start;
    for (let i = 0; i < turns; i++) {
      const release = environment === 'staging' ? 'support-bot@1.9.1-rc.1' : at >= deployAt ? 'support-bot@1.9.0' : 'support-bot@1.8.3';
      const question = i === 0 ? random.pick(SUPPORT_QUESTIONS).replace('{order}', String(random.int(10_000, 99_999))) : random.pick(FOLLOW_UPS);
      const t = new DemoTrace(support, random);
      const end = supportTurn(t, {
        startTime: at,
        question,
        history: [...history],
        attributes: { userId: user.id, sessionId, tags: ['support', user.plan, channel], release, environment, metadata: { turn: i + 1 } },
        slowOrders: release === 'support-bot@1.9.0',
      });
      spans += t.spans;
      remaining--;
      sinceFlush++;
      history.push({ role: 'user', content: question }, { role: 'assistant', content: '…' });
      at = (end ?? at) + random.int(20_000, 180_000);
    }
  }

  // Live traces, started now (the SDK sends a running root's user and session only when they are
  // given at its start, which `trace()` does and an explicit past start time cannot): an answer
  // still streaming, a research task still summarizing.
  if (running >= 1) {
    const user = random.pick(USERS);
    const t = new DemoTrace(support, random);
    supportTurn(t, {
      startTime: now,
      question: random.pick(SUPPORT_QUESTIONS).replace('{order}', String(random.int(10_000, 99_999))),
      history: [],
      attributes: { userId: user.id, sessionId: `sess-live-${sessionCount + 1}`, tags: ['support', user.plan, 'web'], release: 'support-bot@1.9.0', environment: 'production' },
      slowOrders: true,
      leaveRunning: true,
    });
    spans += t.spans;
  }
  if (running >= 2) {
    const t = new DemoTrace(research, random);
    researchTask(t, {
      startTime: now,
      topic: random.pick(RESEARCH_TOPICS),
      attributes: researchAttributes(random.pick(USERS).id, `research-live-${sessionCount + 2}`, 'production'),
      leaveRunning: true,
    });
    spans += t.spans;
  }

  await Promise.all([support.shutdown(timeout), research.shutdown(timeout)]);
  const dropped = [support, research].reduce((sum, c) => sum + Object.values(c.stats().dropped).reduce((a, b) => a + (b ?? 0), 0), 0);
  return { traces: total, spans, dropped, running };
}

function researchAttributes(userId: string, sessionId: string, environment: string): DemoTraceAttributes {
  return {
    userId,
    sessionId,
    tags: ['research', 'batch'],
    release: environment === 'staging' ? 'research-agent@0.5.0-beta.2' : 'research-agent@0.4.2',
    environment,
  };
}
