/**
 * `@wisp/sdk/langchain`: a LangChain.js callback handler that records runs as Wisp spans (see
 * docs/sdk.md, "LangChain.js").
 */
export { WispCallbackHandler, MAX_OPEN_RUNS } from './integrations/langchain/wisp-callback-handler.js';
export type { WispCallbackHandlerOptions } from './integrations/langchain/wisp-callback-handler.js';
