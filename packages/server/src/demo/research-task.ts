import type { Span } from '@wisp/sdk';
import { CHAT_MODELS, EMBEDDING_MODEL, LONG_CONTEXT_MODEL, PLANNER_MODELS, WRITER_MODELS } from './demo-catalog.js';
import { AgentLoopLimitError, ContextLengthExceededError, UpstreamServiceError } from './demo-errors.js';
import type { DemoTrace, DemoTraceAttributes } from './demo-trace.js';

export interface ResearchTask {
  startTime: number;
  topic: string;
  attributes: DemoTraceAttributes;
  /** Stop while a sub-agent is still summarizing (a live trace, started now: `startTime` is ignored). */
  leaveRunning?: boolean;
}

/**
 * A research agent: a reasoning model plans, two or three researcher sub-agents run in parallel
 * (web search that sometimes fails upstream and is retried, an embedding and a vector search,
 * a summary), then a writer chain drafts the report, falling back to a long-context model when the
 * notes do not fit. Now and then the agent gives up at its iteration limit. Returns the end time
 * (or undefined when left running).
 */
export function researchTask(t: DemoTrace, task: ResearchTask): number | undefined {
  const r = t.random;
  const input = { topic: task.topic };
  const root = task.leaveRunning ? t.liveRoot('research-task', 'agent', input, task.attributes) : t.root('research-task', 'agent', task.startTime, input, task.attributes);
  const planner = r.pick(PLANNER_MODELS);
  const questions = [`What are the main options for: ${task.topic}?`, 'What do benchmarks say?', 'What do practitioners report?'].slice(0, r.int(2, 3));
  let at = t.generation(root, 'plan', planner, root.startTime + r.int(2, 10), {
    input: [{ role: 'system', content: 'Break the topic into research questions.' }, { role: 'user', content: task.topic }],
    output: { questions },
    inputTokens: r.int(300, 700),
    outputTokens: r.int(80, 220),
    stream: false,
    temperature: 1,
  }).end;

  if (task.leaveRunning) {
    const researcher = t.start(root, 'researcher', 'agent', at + 3, { input: { question: questions[0] } });
    t.step(researcher, 'web_search', 'tool', at + 5, r.latency(700, 0.4), { input: { query: questions[0] } }, { output: { results: 8 } });
    t.start(researcher, 'summarize', 'generation', at + 900, { provider: 'google', model: 'gemini-2.5-flash', input: questions[0] });
    return undefined;
  }

  // Researchers run in parallel: each starts now, the parent waits for the slowest.
  const start = at + r.int(2, 6);
  let slowest = start;
  const notes: string[] = [];
  for (const question of questions) {
    const end = researcher(t, root, start + r.int(0, 15), question, notes);
    slowest = Math.max(slowest, end);
  }
  at = slowest + 3;

  if (r.chance(0.05)) {
    const error = new AgentLoopLimitError('stopped after 12 iterations without a final answer');
    t.event(root, 'iteration-limit', at, { iterations: 12, limit: 12 });
    root.end({ endTime: at + 2, error });
    return at + 2;
  }

  // Writer chain: draft with a writer model; on a context overflow, fall back to a long-context model.
  const chain = t.start(root, 'write-report', 'chain', at, { input: { notes: notes.length } });
  let cAt = at + 2;
  const writer = r.pick(WRITER_MODELS);
  const notesTokens = r.int(6_000, 40_000);
  const report = `Report on "${task.topic}": ${notes.length} findings, with sources.`;
  if (writer.model !== LONG_CONTEXT_MODEL.model && r.chance(0.15)) {
    const failed = t.generation(chain, 'draft', writer, cAt, {
      input: notes,
      output: undefined,
      inputTokens: 210_000,
      outputTokens: 0,
      stream: true,
      fail: new ContextLengthExceededError('prompt is too long: 210344 tokens > 200000 maximum'),
    });
    t.event(chain, 'model-fallback', failed.end + 1, { from: writer.model, to: LONG_CONTEXT_MODEL.model });
    cAt = t.generation(chain, 'draft', LONG_CONTEXT_MODEL, failed.end + 3, { input: notes, output: report, inputTokens: 210_344, outputTokens: r.int(700, 1600), stream: true }).end;
  } else {
    cAt = t.generation(chain, 'draft', writer, cAt, { input: notes, output: report, inputTokens: notesTokens, outputTokens: r.int(600, 1500), stream: true, cached: r.chance(0.5) }).end;
  }
  cAt = t.step(chain, 'format-citations', 'span', cAt + 1, r.latency(12, 0.4), { input: { style: 'apa' } }, { output: { citations: r.int(4, 14) } });
  chain.end({ endTime: cAt + 1, output: report });
  root.end({ endTime: cAt + 4, output: report });
  return cAt + 4;
}

/** A researcher sub-agent; returns its end time. */
function researcher(t: DemoTrace, root: Span, start: number, question: string, notes: string[]): number {
  const r = t.random;
  const agent = t.start(root, 'researcher', 'agent', start, { input: { question } });
  let at = start + 2;

  // Web search through an upstream API that sometimes answers 503; one retry.
  for (let attempt = 1; attempt <= 2; attempt++) {
    const span = t.start(agent, 'web_search', 'tool', at, { input: { query: question, attempt } });
    if (r.chance(0.1)) {
      at += r.latency(900, 0.3);
      span.end({ endTime: at, error: new UpstreamServiceError('503 Service Unavailable from search API') });
      if (attempt === 2) {
        agent.end({ endTime: at + 2, output: 'no sources found', level: 'warning', statusMessage: 'search unavailable' });
        return at + 2;
      }
      at += r.int(200, 600);
      continue;
    }
    at += r.latency(650, 0.45);
    span.end({ endTime: at, output: { results: r.int(5, 10) } });
    break;
  }

  // Retrieve from the team's notes index.
  const retrieval = t.start(agent, 'notes-retriever', 'retriever', at + 1, { input: { query: question, topK: 8 } });
  let rAt = at + 2;
  rAt = t.step(retrieval, 'embed-query', 'embedding', rAt, r.latency(50, 0.4), { provider: EMBEDDING_MODEL.provider, model: EMBEDDING_MODEL.model, input: question }, {
    usage: { input: r.int(10, 30) },
  });
  const docs = Array.from({ length: r.int(3, 8) }, (_, i) => ({ id: `note-${r.int(100, 999)}`, score: Math.round((0.9 - i * 0.05) * 1000) / 1000 }));
  rAt += r.latency(80, 0.5);
  retrieval.end({ endTime: rAt, output: docs });

  const summarizer = r.pick(CHAT_MODELS);
  const note = `Finding for "${question}" from ${docs.length} sources.`;
  at = t.generation(agent, 'summarize', summarizer, rAt + 2, {
    input: [{ role: 'user', content: `Summarize the sources for: ${question}` }],
    output: note,
    inputTokens: r.int(2_000, 9_000),
    outputTokens: r.int(150, 450),
    stream: true,
  }).end;
  notes.push(note);
  agent.end({ endTime: at + 2, output: note });
  return at + 2;
}
