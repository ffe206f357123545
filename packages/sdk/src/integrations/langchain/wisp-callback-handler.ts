/**
 * `WispCallbackHandler`: a LangChain.js callback handler that records every run as a Wisp span:
 * chains as `chain`, chat models and LLMs as `generation` (model, parameters, messages, usage,
 * time to first token when streaming), tools as `tool`, retrievers as `retriever`. LangChain's run
 * ids give the nesting; a run without a parent nests under the active Wisp span, if any.
 */
import type { ObservationKind } from '@wisp/protocol';
import type { Wisp } from '../../client.js';
import type { Span } from '../../span.js';
import type { SpanAttributes, SpanEndOptions, SpanOptions } from '../../span-types.js';
import { clientFrom, reportTo } from '../client-hooks.js';
import { parseJsonish } from '../json-value.js';
import type { AgentActionLike, AgentFinishLike } from './langchain-shapes.js';
import { llmResult, serializedName, toMessage, toMessages } from './message-mapping.js';

/** Runs open at once; more are not traced (a run LangChain never ends must not grow memory forever). */
export const MAX_OPEN_RUNS = 10_000;
/** LangChain's tag for internal runs (LangGraph plumbing) that tracers do not show. */
const HIDDEN_TAG = 'langsmith:hidden';
/** `invocation_params` keys that are not model parameters. */
const NOT_PARAMETERS = new Set(['model', 'model_name', 'modelName', 'messages', 'prompt', 'tools', 'functions', 'stream_options', 'api_key', 'apiKey']);

/** What LangChain passes to `handleChatModelStart` and `handleLLMStart` after the model and its input. */
type ModelRunArgs = [
  runId: string,
  parentRunId?: string,
  extraParams?: Record<string, unknown>,
  tags?: string[],
  metadata?: Record<string, unknown>,
  runName?: string,
];

/** Options of `new WispCallbackHandler()`. */
export interface WispCallbackHandlerOptions {
  /** The Wisp client that records the spans. @default the default client (`init()`), looked up per run */
  client?: Wisp;
  /** Record run inputs (prompts, messages, chain inputs). @default the client's `captureInput` */
  captureInput?: boolean;
  /** Record run outputs. @default the client's `captureOutput` */
  captureOutput?: boolean;
}

interface Run {
  span: Span;
  /** A hidden run has no span of its own: `span` is its parent's, and its children nest there. */
  hidden: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * @example
 * import { WispCallbackHandler } from '@wisp/sdk/langchain';
 * const wisp = new WispCallbackHandler();
 * await chain.invoke({ question }, { callbacks: [wisp] });
 */
export class WispCallbackHandler {
  /** LangChain reads these to treat the object as a callback handler. */
  readonly name = 'WispCallbackHandler';
  /**
   * Callbacks are awaited rather than queued in LangChain's background queue: they run on the
   * caller's async context (so a run without a parent finds the active Wisp span), and they only
   * build and enqueue span events, which is microseconds.
   */
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = false;

  private readonly client: () => Wisp;
  private readonly captureInput: boolean | undefined;
  private readonly captureOutput: boolean | undefined;
  private readonly runs = new Map<string, Run>();
  private overflowReported = false;

  constructor(options?: WispCallbackHandlerOptions) {
    const opts = isRecord(options) ? options : {};
    this.client = clientFrom(opts.client, 'WispCallbackHandler');
    if (options !== undefined && !isRecord(options)) this.report('invalid_argument', 'WispCallbackHandler: options must be an object; using defaults');
    this.captureInput = typeof opts.captureInput === 'boolean' ? opts.captureInput : undefined;
    this.captureOutput = typeof opts.captureOutput === 'boolean' ? opts.captureOutput : undefined;
  }

  /** LangChain copies handlers into child callback managers; runs must stay in one map. */
  copy(): this {
    return this;
  }

  handleChainStart(
    chain: unknown,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    this.guard('handleChainStart', () => {
      const name = runName ?? serializedName(chain) ?? 'chain';
      this.start(runId, parentRunId, name, 'chain', tags, { input: inputs, metadata: this.metadata(tags, metadata, runType === undefined ? undefined : { runType }) });
    });
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    this.guard('handleChainEnd', () => this.end(runId, { output: outputs }));
  }

  handleChainError(err: unknown, runId: string): void {
    this.guard('handleChainError', () => this.end(runId, { error: err }));
  }

  handleChatModelStart(llm: unknown, messages: unknown, ...run: ModelRunArgs): void {
    this.guard('handleChatModelStart', () => this.startGeneration(llm, 'chat-model', toMessages(messages), run));
  }

  handleLLMStart(llm: unknown, prompts: unknown, ...run: ModelRunArgs): void {
    // A single prompt is recorded as itself rather than as a list of one.
    this.guard('handleLLMStart', () => this.startGeneration(llm, 'llm', Array.isArray(prompts) && prompts.length === 1 ? prompts[0] : prompts, run));
  }

  handleLLMNewToken(token: unknown, _idx: unknown, runId: string, _parentRunId?: string, _tags?: string[], fields?: { chunk?: unknown }): void {
    this.guard('handleLLMNewToken', () => {
      const run = this.runs.get(runId);
      if (run === undefined || run.hidden) return;
      // The first chunk of a stream often carries only the role: it is not the first token.
      const message = isRecord(fields?.chunk) ? (fields.chunk.message as { tool_call_chunks?: unknown } | undefined) : undefined;
      const toolCallChunk = Array.isArray(message?.tool_call_chunks) && message.tool_call_chunks.length > 0;
      if ((typeof token === 'string' && token !== '') || toolCallChunk) run.span.recordChunk();
    });
  }

  handleLLMEnd(output: unknown, runId: string): void {
    this.guard('handleLLMEnd', () => {
      const { output: out, usage, model, finishReason } = llmResult(output);
      const end: SpanEndOptions = { output: out };
      if (usage !== undefined) end.usage = usage;
      if (model !== undefined) end.model = model;
      if (finishReason !== undefined) end.metadata = { finishReason };
      this.end(runId, end);
    });
  }

  handleLLMError(err: unknown, runId: string): void {
    this.guard('handleLLMError', () => this.end(runId, { error: err }));
  }

  handleToolStart(
    tool: unknown,
    input: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.guard('handleToolStart', () => {
      const extra = typeof toolCallId === 'string' ? { toolCallId } : undefined;
      this.start(runId, parentRunId, runName ?? serializedName(tool) ?? 'tool', 'tool', tags, {
        // LangChain hands tool input over as a string, JSON-encoded when it was an object.
        input: parseJsonish(input),
        metadata: this.metadata(tags, metadata, extra),
      });
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.guard('handleToolEnd', () => this.end(runId, { output: toMessage(output) }));
  }

  handleToolError(err: unknown, runId: string): void {
    this.guard('handleToolError', () => this.end(runId, { error: err }));
  }

  handleRetrieverStart(
    retriever: unknown,
    query: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.guard('handleRetrieverStart', () => {
      this.start(runId, parentRunId, name ?? serializedName(retriever) ?? 'retriever', 'retriever', tags, {
        input: query,
        metadata: this.metadata(tags, metadata, undefined),
      });
    });
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.guard('handleRetrieverEnd', () => this.end(runId, { output: documents }));
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.guard('handleRetrieverError', () => this.end(runId, { error: err }));
  }

  /** An agent chose a tool: an event under the agent's run. */
  handleAgentAction(action: unknown, runId: string): void {
    this.guard('handleAgentAction', () => {
      const a = (isRecord(action) ? action : {}) as AgentActionLike;
      const tool = typeof a.tool === 'string' ? a.tool : 'unknown';
      this.event(runId, `agent-action: ${tool}`, { input: a.toolInput, metadata: { tool, log: a.log } });
    });
  }

  /** An agent finished: an event under the agent's run with its return values. */
  handleAgentEnd(finish: unknown, runId: string): void {
    this.guard('handleAgentEnd', () => {
      const f = (isRecord(finish) ? finish : {}) as AgentFinishLike;
      this.event(runId, 'agent-finish', { output: f.returnValues, metadata: { log: f.log } });
    });
  }

  /** `dispatchCustomEvent()`: an event under the run that dispatched it. */
  handleCustomEvent(eventName: unknown, data: unknown, runId: string): void {
    this.guard('handleCustomEvent', () => {
      this.event(runId, typeof eventName === 'string' && eventName !== '' ? eventName : 'custom-event', { output: data });
    });
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    name: string,
    kind: ObservationKind,
    tags: string[] | undefined,
    attributes: SpanAttributes,
  ): void {
    const client = this.client();
    if (!client.enabled) return;
    if (typeof runId !== 'string' || runId === '') {
      reportTo(client, 'invalid_argument', `WispCallbackHandler: run "${name}" has no runId; not traced`);
      return;
    }
    const parent = typeof parentRunId === 'string' ? this.runs.get(parentRunId)?.span : undefined;
    if (Array.isArray(tags) && tags.includes(HIDDEN_TAG)) {
      if (parent !== undefined) this.runs.set(runId, { span: parent, hidden: true });
      return;
    }
    if (this.runs.size >= MAX_OPEN_RUNS) {
      if (!this.overflowReported) {
        this.overflowReported = true;
        reportTo(client, 'invalid_argument', `WispCallbackHandler: ${MAX_OPEN_RUNS} runs are open (runs that never end?); new runs are not traced`);
      }
      return;
    }
    const captureInput = this.captureInput ?? client.options.captureInput;
    const options: SpanOptions = { ...attributes, kind };
    if (!captureInput) delete options.input;
    // Without a known parent run, the span nests under the active Wisp span (or starts a trace).
    const span = parent !== undefined ? parent.startSpan(name, options) : client.startSpan(name, options);
    this.runs.set(runId, { span, hidden: false });
  }

  private end(runId: string, options: SpanEndOptions): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    if (run.hidden) return;
    const captureOutput = this.captureOutput ?? this.client().options.captureOutput;
    if (!captureOutput || options.output === undefined) delete options.output;
    if (run.span.isRoot && options.output !== undefined) run.span.updateTrace({ output: options.output });
    run.span.end(options);
  }

  private event(runId: string, name: string, attributes: SpanAttributes): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    const client = this.client();
    if (!(this.captureInput ?? client.options.captureInput)) delete attributes.input;
    if (!(this.captureOutput ?? client.options.captureOutput)) delete attributes.output;
    run.span.event(name, attributes);
  }

  private startGeneration(llm: unknown, fallbackName: string, input: unknown, [runId, parentRunId, extraParams, tags, metadata, runName]: ModelRunArgs): void {
    const attrs = this.generationStart(extraParams, metadata, tags);
    this.start(runId, parentRunId, runName ?? serializedName(llm) ?? fallbackName, 'generation', tags, { ...attrs, input });
  }

  /** Model, provider and parameters from LangChain's invocation params and `ls_*` metadata. */
  private generationStart(extraParams: unknown, metadata: Record<string, unknown> | undefined, tags: string[] | undefined): SpanAttributes {
    const invocation = isRecord(extraParams) && isRecord(extraParams.invocation_params) ? extraParams.invocation_params : {};
    const meta = isRecord(metadata) ? metadata : {};
    const attrs: SpanAttributes = {};
    const model = invocation.model ?? invocation.model_name ?? invocation.modelName ?? meta.ls_model_name;
    if (typeof model === 'string' && model !== '') attrs.model = model;
    if (typeof meta.ls_provider === 'string' && meta.ls_provider !== '') attrs.provider = meta.ls_provider;
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(invocation)) if (!NOT_PARAMETERS.has(k) && v !== undefined && v !== null) params[k] = v;
    if (params.temperature === undefined && meta.ls_temperature !== undefined) params.temperature = meta.ls_temperature;
    if (params.max_tokens === undefined && meta.ls_max_tokens !== undefined) params.max_tokens = meta.ls_max_tokens;
    if (Object.keys(params).length > 0) attrs.modelParameters = params;
    const extra = Array.isArray(invocation.tools) ? { tools: invocation.tools } : undefined;
    attrs.metadata = this.metadata(tags, metadata, extra);
    return attrs;
  }

  /** LangChain metadata and tags, without the `ls_*` keys already mapped to fields. */
  private metadata(tags: string[] | undefined, metadata: Record<string, unknown> | undefined, extra: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    let out: Record<string, unknown> | undefined;
    if (isRecord(metadata)) {
      for (const [k, v] of Object.entries(metadata)) {
        if (k === 'ls_provider' || k === 'ls_model_name' || k === 'ls_temperature' || k === 'ls_max_tokens') continue;
        (out ??= {})[k] = v;
      }
    }
    if (Array.isArray(tags) && tags.length > 0) (out ??= {}).tags = tags;
    if (extra !== undefined) out = { ...out, ...extra };
    return out;
  }

  /** Runs a callback body; the SDK's own failures are reported, never thrown into LangChain. */
  private guard(method: string, body: () => void): void {
    try {
      body();
    } catch (err) {
      this.report('internal', `WispCallbackHandler.${method} failed`, err);
    }
  }

  private report(code: 'invalid_argument' | 'internal', message: string, error?: unknown): void {
    try {
      reportTo(this.client(), code, message, error);
    } catch {
      // Nowhere left to report to.
    }
  }
}
