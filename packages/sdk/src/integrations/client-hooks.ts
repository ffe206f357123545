/**
 * What integrations need from a Wisp client beyond its public API, in one place: the client to
 * use (an explicit one, else the default client looked up at call time, so `init()` may run after
 * the wrapping), a way to report the SDK's own problems through the client's diagnostics, and (for
 * the OpenTelemetry bridge) the client's path to its exporters. Both go through the client's
 * `@internal` hooks `reportDiagnostic()` and `emitEvent()`.
 */
import type { SpanEvent } from '@wisp/protocol';
import { Wisp } from '../client.js';
import { getClient } from '../default-client.js';
import { consoleDiagnosticHandler } from '../diagnostics.js';
import type { DiagnosticCode } from '../diagnostics.js';

/** Where an integration's diagnostics go. */
export type Report = (code: DiagnosticCode, message: string, error?: unknown) => void;

/** The client an integration uses on each call: the given one, else the default client. */
export function clientFrom(option: unknown, integration: string): () => Wisp {
  if (option === undefined) return getClient;
  if (option instanceof Wisp) return () => option;
  const client = getClient();
  reportTo(client, 'invalid_argument', `${integration}: \`client\` must be a Wisp client; using the default client`);
  return getClient;
}

/** Reports through `client`'s diagnostics; never throws. */
export function reportTo(client: Wisp | undefined, code: DiagnosticCode, message: string, error?: unknown): void {
  try {
    if (client !== undefined) client.reportDiagnostic(code, message, error);
    else consoleDiagnosticHandler(error === undefined ? { code, message } : { code, message, error });
  } catch {
    // A diagnostic handler that throws has nowhere left to report to.
  }
}

/** Hands a finished span event to every exporter of `client`, as its own spans are. */
export type Emit = (event: SpanEvent, bytes: number) => void;

/** `client`'s path to its exporters, or `undefined` if this client does not have one. */
export function emitterOf(client: Wisp): Emit | undefined {
  return client.enabled ? (event, bytes) => client.emitEvent(event, bytes) : undefined;
}
