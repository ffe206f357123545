/** The cast of the demo: models, users, questions. Plain data, so scenarios read as stories. */

export interface DemoModel {
  provider: string;
  model: string;
  /** Median time to first token, ms. */
  ttftMs: number;
  /** Median time per output token, ms. */
  perTokenMs: number;
  /** Fraction of prompt tokens served from the provider's cache on repeat calls. */
  cacheRatio: number;
  reasoning?: boolean;
}

export const CHAT_MODELS: readonly DemoModel[] = [
  { provider: 'openai', model: 'gpt-4o-2024-08-06', ttftMs: 420, perTokenMs: 11, cacheRatio: 0.5 },
  { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', ttftMs: 260, perTokenMs: 7, cacheRatio: 0.5 },
  { provider: 'openai', model: 'gpt-4.1-mini', ttftMs: 300, perTokenMs: 8, cacheRatio: 0.6 },
  { provider: 'anthropic', model: 'claude-sonnet-4-20250514', ttftMs: 650, perTokenMs: 14, cacheRatio: 0.7 },
  { provider: 'anthropic', model: 'claude-3-5-haiku-20241022', ttftMs: 380, perTokenMs: 8, cacheRatio: 0.7 },
  { provider: 'google', model: 'gemini-2.5-flash', ttftMs: 310, perTokenMs: 5, cacheRatio: 0.3 },
];

export const PLANNER_MODELS: readonly DemoModel[] = [
  { provider: 'openai', model: 'o3-mini', ttftMs: 2400, perTokenMs: 9, cacheRatio: 0.4, reasoning: true },
  { provider: 'anthropic', model: 'claude-opus-4-1-20250805', ttftMs: 1300, perTokenMs: 25, cacheRatio: 0.6, reasoning: true },
];

export const WRITER_MODELS: readonly DemoModel[] = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', ttftMs: 700, perTokenMs: 13, cacheRatio: 0.6 },
  { provider: 'google', model: 'gemini-2.5-pro', ttftMs: 900, perTokenMs: 9, cacheRatio: 0.3 },
];

export const LONG_CONTEXT_MODEL: DemoModel = { provider: 'google', model: 'gemini-2.5-pro', ttftMs: 1100, perTokenMs: 9, cacheRatio: 0.2 };
export const EMBEDDING_MODEL = { provider: 'openai', model: 'text-embedding-3-small' } as const;

export const USERS: readonly { id: string; plan: string }[] = [
  { id: 'user_ada', plan: 'pro' },
  { id: 'user_grace', plan: 'enterprise' },
  { id: 'user_linus', plan: 'free' },
  { id: 'user_margaret', plan: 'pro' },
  { id: 'user_alan', plan: 'free' },
  { id: 'user_barbara', plan: 'enterprise' },
  { id: 'user_ken', plan: 'free' },
  { id: 'user_radia', plan: 'pro' },
];

export const SUPPORT_QUESTIONS: readonly string[] = [
  'Where is my order #{order}? It was supposed to arrive yesterday.',
  'I was charged twice for order #{order}, can you refund one?',
  'How do I change the shipping address on order #{order}?',
  'What is your return policy for opened items?',
  'Can I upgrade my plan mid-cycle and how much would it cost?',
  'The tracking page for #{order} says "label created" for five days.',
  'Do you ship to Norway, and what are the customs fees?',
  'My discount code SPRING25 did not apply to order #{order}.',
];

export const FOLLOW_UPS: readonly string[] = [
  'Thanks. And how long will the refund take?',
  'Can you send that to my email as well?',
  'OK, and what if it does not arrive by Friday?',
  'Great, please go ahead.',
];

export const RESEARCH_TOPICS: readonly string[] = [
  'Compare vector databases for 10M-document RAG workloads',
  'Summarize recent results on speculative decoding',
  'Market size of AI customer-support tools in Europe',
  'Best practices for evaluating tool-calling agents',
  'Trade-offs of prompt caching across model providers',
  'How do retrieval rerankers affect answer quality?',
];

export const KB_ARTICLES: readonly string[] = [
  'kb/returns-policy',
  'kb/shipping-international',
  'kb/refund-timelines',
  'kb/plan-upgrades',
  'kb/order-tracking',
  'kb/discount-codes',
  'kb/address-changes',
];
