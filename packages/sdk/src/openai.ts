/**
 * `@wisp/sdk/openai`: tracing for the OpenAI JS client (see docs/sdk.md, "OpenAI").
 */
export { wrapOpenAI } from './integrations/openai/wrap-openai.js';
export type { WrapOpenAIOptions } from './integrations/openai/wrap-openai.js';
