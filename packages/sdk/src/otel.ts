/**
 * `@wisp/sdk/otel`: records spans of OpenTelemetry-instrumented libraries as Wisp spans (see
 * docs/sdk.md, "OpenTelemetry").
 */
export { WispSpanProcessor } from './integrations/otel/wisp-span-processor.js';
export type { WispSpanProcessorOptions } from './integrations/otel/wisp-span-processor.js';
export type { ReadableSpanLike } from './integrations/otel/otel-shapes.js';
