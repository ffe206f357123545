import type { PriceEntry } from './price-entry.js';

/**
 * Where the built-in prices come from. They were written from the providers' public price pages as
 * known to the authors at the date below, without live access to those pages: check them against
 * your invoices and override what differs (docs/pricing.md).
 */
export const PRICE_TABLE_SOURCE = {
  asOf: '2025-11-30',
  note:
    "List prices in USD per 1 M tokens from the providers' public pricing pages (OpenAI, Anthropic, " +
    'Google Gemini API, Mistral, Groq, Together AI, AWS Bedrock, DeepSeek, Cohere), standard tier, ' +
    'short-context rates, 5-minute cache writes. Written from the maintainers\' knowledge as of the ' +
    'date above, not fetched live; overridable per project.',
} as const;

type Row = [
  model: string,
  input: number,
  output: number,
  cacheRead: number | undefined,
  cacheWrite: number | undefined,
  effectiveFrom: string,
];

function rows(vendor: string, list: Row[], hosts?: readonly string[]): PriceEntry[] {
  return list.map(([model, input, output, cacheRead, cacheWrite, effectiveFrom]) => {
    const entry: PriceEntry = { model, vendor, input, output, effectiveFrom };
    if (cacheRead !== undefined) entry.cacheRead = cacheRead;
    if (cacheWrite !== undefined) entry.cacheWrite = cacheWrite;
    if (hosts) entry.hosts = hosts;
    return entry;
  });
}

const u = undefined;

// OpenAI: cached input is billed at the cache-read rate; there is no separate cache-write charge.
const OPENAI: Row[] = [
  ['gpt-5', 1.25, 10, 0.125, u, '2025-08-07'],
  ['gpt-5-mini', 0.25, 2, 0.025, u, '2025-08-07'],
  ['gpt-5-nano', 0.05, 0.4, 0.005, u, '2025-08-07'],
  ['gpt-5-chat', 1.25, 10, 0.125, u, '2025-08-07'],
  ['gpt-4.5-preview', 75, 150, 37.5, u, '2025-02-27'],
  ['gpt-4.1', 2, 8, 0.5, u, '2025-04-14'],
  ['gpt-4.1-mini', 0.4, 1.6, 0.1, u, '2025-04-14'],
  ['gpt-4.1-nano', 0.1, 0.4, 0.025, u, '2025-04-14'],
  // gpt-4o: the alias moved to the cheaper 2024-08-06 snapshot on 2024-10-02.
  ['gpt-4o', 5, 15, u, u, '2024-05-13'],
  ['gpt-4o', 2.5, 10, 1.25, u, '2024-10-02'],
  ['gpt-4o-2024-05-13', 5, 15, u, u, '2024-05-13'],
  ['gpt-4o-2024-08-06', 2.5, 10, 1.25, u, '2024-08-06'],
  ['gpt-4o-mini', 0.15, 0.6, 0.075, u, '2024-07-18'],
  ['chatgpt-4o-latest', 5, 15, u, u, '2024-08-13'],
  ['gpt-4-turbo', 10, 30, u, u, '2024-04-09'],
  ['gpt-4-1106-preview', 10, 30, u, u, '2023-11-06'],
  ['gpt-4-0125-preview', 10, 30, u, u, '2024-01-25'],
  ['gpt-4', 30, 60, u, u, '2023-03-14'],
  ['gpt-4-32k', 60, 120, u, u, '2023-03-14'],
  ['gpt-3.5-turbo', 0.5, 1.5, u, u, '2024-01-25'],
  ['gpt-3.5-turbo-instruct', 1.5, 2, u, u, '2023-09-18'],
  ['o1', 15, 60, 7.5, u, '2024-12-17'],
  ['o1-preview', 15, 60, 7.5, u, '2024-09-12'],
  ['o1-mini', 3, 12, 1.5, u, '2024-09-12'],
  ['o1-mini', 1.1, 4.4, 0.55, u, '2025-01-31'],
  ['o1-pro', 150, 600, u, u, '2025-03-19'],
  ['o3', 10, 40, 2.5, u, '2025-04-16'],
  ['o3', 2, 8, 0.5, u, '2025-06-10'],
  ['o3-pro', 20, 80, u, u, '2025-06-10'],
  ['o3-mini', 1.1, 4.4, 0.55, u, '2025-01-31'],
  ['o4-mini', 1.1, 4.4, 0.275, u, '2025-04-16'],
  ['text-embedding-3-small', 0.02, 0, u, u, '2024-01-25'],
  ['text-embedding-3-large', 0.13, 0, u, u, '2024-01-25'],
  ['text-embedding-ada-002', 0.1, 0, u, u, '2022-12-15'],
];

// Anthropic: cache reads at 0.1x input, 5-minute cache writes at 1.25x input.
const ANTHROPIC: Row[] = [
  ['claude-opus-4-5', 5, 25, 0.5, 6.25, '2025-11-24'],
  ['claude-opus-4-1', 15, 75, 1.5, 18.75, '2025-08-05'],
  ['claude-opus-4', 15, 75, 1.5, 18.75, '2025-05-22'],
  ['claude-sonnet-4-5', 3, 15, 0.3, 3.75, '2025-09-29'],
  ['claude-sonnet-4', 3, 15, 0.3, 3.75, '2025-05-22'],
  ['claude-haiku-4-5', 1, 5, 0.1, 1.25, '2025-10-15'],
  ['claude-3-7-sonnet', 3, 15, 0.3, 3.75, '2025-02-24'],
  ['claude-3-5-sonnet', 3, 15, 0.3, 3.75, '2024-06-20'],
  ['claude-3-5-haiku', 0.8, 4, 0.08, 1, '2024-11-04'],
  ['claude-3-opus', 15, 75, 1.5, 18.75, '2024-03-04'],
  ['claude-3-sonnet', 3, 15, 0.3, 3.75, '2024-03-04'],
  ['claude-3-haiku', 0.25, 1.25, 0.03, 0.3, '2024-03-13'],
  ['claude-2', 8, 24, u, u, '2023-07-11'],
  ['claude-instant-1', 0.8, 2.4, u, u, '2023-08-09'],
];

// Google Gemini API, prompts up to 128k (1.5) / 200k (2.5) tokens.
const GOOGLE: Row[] = [
  ['gemini-3-pro', 2, 12, 0.2, u, '2025-11-18'],
  ['gemini-2.5-pro', 1.25, 10, 0.125, u, '2025-06-17'],
  ['gemini-2.5-flash', 0.3, 2.5, 0.03, u, '2025-06-17'],
  ['gemini-2.5-flash-lite', 0.1, 0.4, 0.01, u, '2025-07-22'],
  ['gemini-2.0-flash', 0.1, 0.4, 0.025, u, '2025-02-05'],
  ['gemini-2.0-flash-lite', 0.075, 0.3, u, u, '2025-02-25'],
  ['gemini-1.5-pro', 3.5, 10.5, 0.875, u, '2024-05-14'],
  ['gemini-1.5-pro', 1.25, 5, 0.3125, u, '2024-10-01'],
  ['gemini-1.5-flash', 0.075, 0.3, 0.01875, u, '2024-08-12'],
  ['gemini-1.5-flash-8b', 0.0375, 0.15, 0.01, u, '2024-10-03'],
  ['gemini-embedding-001', 0.15, 0, u, u, '2025-07-14'],
  ['text-embedding-004', 0, 0, u, u, '2024-05-14'],
];

const MISTRAL: Row[] = [
  ['mistral-large', 2, 6, u, u, '2024-11-18'],
  ['mistral-medium', 0.4, 2, u, u, '2025-05-07'],
  ['mistral-small', 0.1, 0.3, u, u, '2025-03-17'],
  ['magistral-medium', 2, 5, u, u, '2025-06-10'],
  ['magistral-small', 0.5, 1.5, u, u, '2025-06-10'],
  ['codestral', 0.3, 0.9, u, u, '2025-01-13'],
  ['pixtral-large', 2, 6, u, u, '2024-11-18'],
  ['pixtral-12b', 0.15, 0.15, u, u, '2024-09-17'],
  ['ministral-8b', 0.1, 0.1, u, u, '2024-10-16'],
  ['ministral-3b', 0.04, 0.04, u, u, '2024-10-16'],
  ['open-mistral-nemo', 0.15, 0.15, u, u, '2024-07-18'],
  ['mistral-nemo', 0.15, 0.15, u, u, '2024-07-18'],
  ['open-mixtral-8x22b', 2, 6, u, u, '2024-04-17'],
  ['open-mixtral-8x7b', 0.7, 0.7, u, u, '2023-12-11'],
  ['mistral-embed', 0.1, 0, u, u, '2023-12-11'],
];

// Llama has no first-party API: generic rows carry Together AI's serverless prices, the rows
// below them the hosts that price differently. Names are normalized first (see model-name.ts):
// `meta-llama/Llama-3.3-70B-Instruct-Turbo` and `meta.llama3-3-70b-instruct-v1:0` both become
// `llama-3.3-70b-...`.
const LLAMA_GENERIC: Row[] = [
  ['llama-4-maverick', 0.27, 0.85, u, u, '2025-04-05'],
  ['llama-4-scout', 0.18, 0.59, u, u, '2025-04-05'],
  ['llama-3.3-70b', 0.88, 0.88, u, u, '2024-12-06'],
  ['llama-3.1-405b', 3.5, 3.5, u, u, '2024-07-23'],
  ['llama-3.1-70b', 0.88, 0.88, u, u, '2024-07-23'],
  ['llama-3.1-8b', 0.18, 0.18, u, u, '2024-07-23'],
  ['llama-3.2-3b', 0.06, 0.06, u, u, '2024-09-25'],
  ['llama-3-70b', 0.88, 0.88, u, u, '2024-04-18'],
  ['llama-3-8b', 0.18, 0.18, u, u, '2024-04-18'],
];
const LLAMA_GROQ: Row[] = [
  ['llama-4-maverick', 0.2, 0.6, u, u, '2025-04-05'],
  ['llama-4-scout', 0.11, 0.34, u, u, '2025-04-05'],
  ['llama-3.3-70b', 0.59, 0.79, u, u, '2024-12-06'],
  ['llama-3.1-8b', 0.05, 0.08, u, u, '2024-07-23'],
];
const LLAMA_BEDROCK: Row[] = [
  ['llama-4-maverick', 0.24, 0.97, u, u, '2025-04-29'],
  ['llama-4-scout', 0.17, 0.66, u, u, '2025-04-29'],
  ['llama-3.3-70b', 0.72, 0.72, u, u, '2024-12-19'],
  ['llama-3.1-405b', 2.4, 2.4, u, u, '2024-12-02'],
  ['llama-3.1-70b', 0.72, 0.72, u, u, '2024-12-02'],
  ['llama-3.1-8b', 0.22, 0.22, u, u, '2024-07-23'],
];

// DeepSeek API: input at the cache-miss rate, cache hits at the cache-read rate. Both models moved
// to V3.1 pricing on 2025-09-05 and to V3.2 pricing on 2025-09-29.
const DEEPSEEK: Row[] = [
  ['deepseek-chat', 0.27, 1.1, 0.07, u, '2025-02-08'],
  ['deepseek-chat', 0.56, 1.68, 0.07, u, '2025-09-05'],
  ['deepseek-chat', 0.28, 0.42, 0.028, u, '2025-09-29'],
  ['deepseek-reasoner', 0.55, 2.19, 0.14, u, '2025-01-20'],
  ['deepseek-reasoner', 0.56, 1.68, 0.07, u, '2025-09-05'],
  ['deepseek-reasoner', 0.28, 0.42, 0.028, u, '2025-09-29'],
  ['deepseek-v3', 0.27, 1.1, 0.07, u, '2024-12-26'],
  ['deepseek-r1', 0.55, 2.19, 0.14, u, '2025-01-20'],
];

const COHERE: Row[] = [
  ['command-a', 2.5, 10, u, u, '2025-03-13'],
  ['command-r-plus', 2.5, 10, u, u, '2024-08-30'],
  ['command-r', 0.15, 0.6, u, u, '2024-08-30'],
  ['command-r7b', 0.0375, 0.15, u, u, '2024-12-13'],
  ['command', 1, 2, u, u, '2023-11-01'],
  ['command-light', 0.3, 0.6, u, u, '2023-11-01'],
  ['embed-english-v3.0', 0.1, 0, u, u, '2023-11-02'],
  ['embed-multilingual-v3.0', 0.1, 0, u, u, '2023-11-02'],
  ['embed-v4.0', 0.12, 0, u, u, '2025-04-15'],
];

const XAI: Row[] = [
  ['grok-4', 3, 15, 0.75, u, '2025-07-09'],
  ['grok-3', 3, 15, 0.75, u, '2025-04-09'],
  ['grok-3-mini', 0.3, 0.5, 0.075, u, '2025-04-09'],
];

/** The built-in price table. Read-only; per-project overrides take precedence (`findPrice`). */
export const PRICE_TABLE: readonly PriceEntry[] = Object.freeze([
  ...rows('openai', OPENAI),
  ...rows('anthropic', ANTHROPIC),
  ...rows('google', GOOGLE),
  ...rows('mistral', MISTRAL),
  ...rows('meta', LLAMA_GENERIC),
  ...rows('meta', LLAMA_GROQ, ['groq']),
  ...rows('meta', LLAMA_BEDROCK, ['bedrock']),
  ...rows('deepseek', DEEPSEEK),
  ...rows('cohere', COHERE),
  ...rows('xai', XAI),
]);
