/**
 * `@wisp/sdk/testing`: test doubles for apps that use Wisp.
 */
export { InMemoryExporter } from './in-memory-exporter.js';
export type { FinishedSpan } from './in-memory-exporter.js';
