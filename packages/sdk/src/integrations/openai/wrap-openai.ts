/**
 * `wrapOpenAI(client)`: the same OpenAI client, seen through a proxy whose `chat.completions.create`,
 * `responses.create` and `embeddings.create` record a generation (or embedding) span each, child
 * of the active span. Everything else reaches the real client untouched, and the client itself is
 * not modified: wrapping is local to the returned object.
 */
import type { Wisp } from '../../client.js';
import type { Span } from '../../span.js';
import type { SpanOptions } from '../../span-types.js';
import type { Report } from '../client-hooks.js';
import { clientFrom, reportTo } from '../client-hooks.js';
import { failedEnd } from './api-failure.js';
import { CallObserver } from './call-observer.js';
import { CHAT_COMPLETIONS } from './chat-completions.js';
import { EMBEDDINGS } from './embeddings.js';
import type { Operation } from './operation.js';
import { isRecord } from './operation.js';
import { RESPONSES } from './responses.js';

/** Options of `wrapOpenAI()`. */
export interface WrapOpenAIOptions {
  /** The Wisp client that records the spans. @default the default client (`init()`), looked up at each call */
  client?: Wisp;
  /** Provider recorded on the spans (for OpenAI-compatible servers: `azure`, `ollama`...). @default 'openai' */
  provider?: string;
  /** Added to the metadata of every span. */
  metadata?: Record<string, unknown>;
  /** Record request messages and inputs. @default the client's `captureInput` */
  captureInput?: boolean;
  /** Record response messages and streamed text. @default the client's `captureOutput` */
  captureOutput?: boolean;
}

interface Settings {
  client: () => Wisp;
  provider: string;
  metadata: Record<string, unknown> | undefined;
  captureInput: boolean | undefined;
  captureOutput: boolean | undefined;
}

/** Which properties lead to traced methods. */
interface Route {
  readonly [key: string]: Route | Operation;
}
const ROUTES: Route = {
  chat: { completions: { create: CHAT_COMPLETIONS } },
  responses: { create: RESPONSES },
  embeddings: { create: EMBEDDINGS },
};

const wrappedClients = new WeakSet<object>();

/**
 * Traces an OpenAI client's model calls. Results, streams and errors reach the caller unchanged;
 * streamed calls also record time to first token, chunk count and gaps, and the final usage (pass
 * `stream_options: { include_usage: true }` to get it).
 * @example
 * import OpenAI from 'openai';
 * import { wrapOpenAI } from '@wisp/sdk/openai';
 * const openai = wrapOpenAI(new OpenAI());
 * await trace('answer', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }));
 */
export function wrapOpenAI<T>(openai: T, options?: WrapOpenAIOptions): T {
  const opts = isRecord(options) ? options : {};
  const client = clientFrom(opts.client, 'wrapOpenAI');
  const report: Report = (code, message, error) => reportTo(client(), code, message, error);
  try {
    if (options !== undefined && !isRecord(options)) report('invalid_argument', 'wrapOpenAI(): options must be an object; using defaults');
    if (openai === null || typeof openai !== 'object') {
      report('invalid_argument', `wrapOpenAI() expects an OpenAI client, got ${openai === null ? 'null' : typeof openai}; returned unchanged`);
      return openai;
    }
    if (wrappedClients.has(openai)) return openai;
    if (!hasTracedMethod(openai, ROUTES)) {
      report('invalid_argument', 'wrapOpenAI(): the object has none of chat.completions.create, responses.create, embeddings.create; returned unchanged');
      return openai;
    }
    const settings: Settings = {
      client,
      provider: typeof opts.provider === 'string' && opts.provider !== '' ? opts.provider : 'openai',
      metadata: isRecord(opts.metadata) ? opts.metadata : undefined,
      captureInput: typeof opts.captureInput === 'boolean' ? opts.captureInput : undefined,
      captureOutput: typeof opts.captureOutput === 'boolean' ? opts.captureOutput : undefined,
    };
    const proxy = proxyClient(openai, settings);
    wrappedClients.add(proxy);
    return proxy as T;
  } catch (err) {
    report('internal', 'wrapOpenAI() failed; the client is returned unwrapped', err);
    return openai;
  }
}

function hasTracedMethod(target: unknown, route: Route): boolean {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return false;
  for (const [key, next] of Object.entries(route)) {
    let value: unknown;
    try {
      value = (target as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (isOperation(next) ? typeof value === 'function' : hasTracedMethod(value, next)) return true;
  }
  return false;
}

function isOperation(v: Route | Operation): v is Operation {
  return typeof (v as Operation).spanName === 'string';
}

function proxyClient(root: object, settings: Settings): object {
  const proxy: object = proxyResource(root, ROUTES, settings, root, () => proxy);
  return proxy;
}

/**
 * A proxy over the client or one of its resources. On the client, methods are bound to the real
 * client (it keeps private state a proxy receiver cannot reach). Resources are plain objects whose
 * methods run with the proxy as `this`, and whose `_client` is the wrapped client: the client's
 * own helpers (`chat.completions.stream()`, `.parse()`, `responses.stream()`) then call the traced
 * `create` and are traced too.
 */
function proxyResource(target: object, route: Route, settings: Settings, root: object, rootProxy: () => object): object {
  const isRoot = target === root;
  const cache = new Map<string, { value: unknown; wrapped: unknown }>();
  return new Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key, t);
      if (typeof key !== 'string' || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
      if (!isRoot && key === '_client' && value === root) return rootProxy();
      const next = Object.hasOwn(route, key) ? route[key] : undefined;
      if (next === undefined && (!isRoot || typeof value !== 'function' || key === 'constructor')) return value;
      const hit = cache.get(key);
      if (hit !== undefined && hit.value === value) return hit.wrapped;
      let wrapped: unknown = value;
      if (next !== undefined && isOperation(next)) {
        if (typeof value === 'function') wrapped = tracedMethod(value as (...a: unknown[]) => unknown, t, next, settings);
      } else if (next !== undefined) {
        wrapped = proxyResource(value, next, settings, root, rootProxy);
      } else if (key === 'withOptions') {
        // A copy of the client with other options is wrapped the same way.
        const withOptions = value as (...a: unknown[]) => unknown;
        wrapped = (...args: unknown[]) => rewrap(withOptions.apply(t, args), settings);
      } else {
        wrapped = (value as (...a: unknown[]) => unknown).bind(t);
      }
      cache.set(key, { value, wrapped });
      return wrapped;
    },
  });
}

function rewrap(client: unknown, settings: Settings): unknown {
  try {
    if (client === null || typeof client !== 'object' || !hasTracedMethod(client, ROUTES)) return client;
    const proxy = proxyClient(client, settings);
    wrappedClients.add(proxy);
    return proxy;
  } catch (err) {
    reportTo(settings.client(), 'internal', 'wrapOpenAI: wrapping withOptions() failed; that copy is untraced', err);
    return client;
  }
}

function tracedMethod(original: (...a: unknown[]) => unknown, target: object, operation: Operation, settings: Settings): (...a: unknown[]) => unknown {
  return function traced(...args: unknown[]): unknown {
    let client: Wisp;
    try {
      client = settings.client();
      if (!client.enabled) return original.apply(target, args);
    } catch {
      return original.apply(target, args);
    }
    return traceCall(client, operation, settings, () => original.apply(target, args), args[0]);
  };
}

function traceCall(client: Wisp, operation: Operation, settings: Settings, call: () => unknown, rawParams: unknown): unknown {
  const report: Report = (code, message, error) => reportTo(client, code, message, error);
  let options: SpanOptions & { endOnExit: false };
  let streamed: boolean;
  let captureOutput: boolean;
  try {
    const params = isRecord(rawParams) ? rawParams : {};
    const captureInput = settings.captureInput ?? client.options.captureInput;
    captureOutput = settings.captureOutput ?? client.options.captureOutput;
    streamed = params.stream === true;
    const request = operation.request(params, captureInput);
    const metadata = settings.metadata === undefined ? request.metadata : { ...settings.metadata, ...request.metadata };
    options = { ...request, metadata, kind: operation.kind, provider: settings.provider, endOnExit: false };
  } catch (err) {
    report('internal', `openai: reading the ${operation.spanName} request failed; the call is not traced`, err);
    return call();
  }
  let span: Span | undefined;
  let called = false;
  let result: unknown;
  try {
    result = client.startActiveSpan(
      operation.spanName,
      (s) => {
        span = s;
        called = true;
        return call();
      },
      options,
    );
  } catch (err) {
    if (!called) {
      report('internal', `openai: starting the ${operation.spanName} span failed; the call is not traced`, err);
      return call();
    }
    // The client threw synchronously (invalid arguments, for example): recorded, then re-thrown as is.
    if (span !== undefined && !span.ended) span.end(failedEnd(err));
    throw err;
  }
  if (span === undefined || !span.sampled) return result;
  return new CallObserver(span, operation, streamed, captureOutput, report).attach(result);
}
