import type { OtlpScopeContext } from './otlp-span.js';
import { boundMetadata, shareSize } from './bounds.js';

/** What every span of one resource and scope shares, computed once per group. */
export interface SpanContext {
  service?: string;
  release?: string;
  environment?: string;
  /** Resource attributes other than the mapped ones, kept under the metadata key `resource`. */
  resource?: Record<string, unknown>;
  scope?: { name: string; version?: string };
}

const MAPPED_RESOURCE_KEYS: ReadonlySet<string> = new Set([
  'service.name',
  'service.version',
  'deployment.environment',
  'deployment.environment.name',
]);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 1_000) : undefined;
}

/**
 * Service from `service.name`, release from `service.version`, environment from
 * `deployment.environment.name` (or the older `deployment.environment`).
 */
export function spanContext(group: OtlpScopeContext): SpanContext {
  const context: SpanContext = {};
  const values = new Map(group.resource.map(({ key, value }) => [key, value]));
  const service = text(values.get('service.name'));
  const release = text(values.get('service.version'));
  const environment = text(values.get('deployment.environment.name')) ?? text(values.get('deployment.environment'));
  if (service) context.service = service;
  if (release) context.release = release;
  if (environment) context.environment = environment;
  const rest = boundMetadata([...values].filter(([key]) => !MAPPED_RESOURCE_KEYS.has(key)));
  if (rest) context.resource = shareSize(rest);
  if (group.scopeName) {
    context.scope = shareSize(group.scopeVersion ? { name: group.scopeName, version: group.scopeVersion } : { name: group.scopeName });
  }
  return context;
}
