import { describe, expect, it } from 'vitest';
import { AttributeBag } from './attribute-bag.js';
import { mapGeneration } from './map-generation.js';

const BOUNDS = { maxChars: 10_000 };

function map(attributes: Record<string, unknown>) {
  const bag = new AttributeBag(Object.entries(attributes));
  return { fields: mapGeneration(bag, BOUNDS), rest: Object.fromEntries(bag.rest()) };
}

describe('mapGeneration', () => {
  it('Vercel AI SDK `openai.chat` is provider `openai`, whether from ai.model.provider or gen_ai.system', () => {
    expect(map({ 'ai.model.provider': 'openai.chat' }).fields.provider).toBe('openai');
    const both = map({ 'gen_ai.system': 'anthropic.messages', 'ai.model.provider': 'anthropic.messages' });
    expect(both.fields.provider).toBe('anthropic');
    expect(both.rest).toEqual({});
  });

  it('other providers keep their dots', () => {
    expect(map({ 'gen_ai.provider.name': 'aws.bedrock' }).fields.provider).toBe('aws.bedrock');
    expect(map({ 'gen_ai.provider.name': 'azure.ai.openai', 'ai.model.provider': 'azure.chat' }).fields.provider).toBe('azure.ai.openai');
  });

  it('prefers the response model; a different requested alias stays in metadata', () => {
    const { fields, rest } = map({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'ai.model.id': 'gpt-4o' });
    expect(fields.model).toBe('gpt-4o-2024-08-06');
    expect(rest).toEqual({ 'gen_ai.request.model': 'gpt-4o', 'ai.model.id': 'gpt-4o' });
    expect(map({ 'ai.response.model': 'm-1', 'ai.model.id': 'm-1' })).toEqual({ fields: { model: 'm-1' }, rest: {} });
    expect(map({ 'llm.model_name': 'claude-sonnet-4' }).fields.model).toBe('claude-sonnet-4');
  });

  it('model parameters: gen_ai.request.* first, then Vercel ai.settings.*, then invocation parameters', () => {
    const { fields } = map({
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.choice.count': 2,
      'ai.settings.temperature': 0.9,
      'ai.settings.maxRetries': 2,
      'llm.invocation_parameters': '{"seed": 7, "__proto__": {"polluted": true}}',
    });
    expect(fields.modelParameters).toMatchObject({ temperature: 0.3, choice_count: 2, maxRetries: 2, seed: 7 });
    expect(Object.getPrototypeOf(fields.modelParameters)).toBe(Object.prototype);
  });

  it('usage from every convention, rounded; negative or non-numeric counts ignored', () => {
    expect(
      map({
        'gen_ai.usage.prompt_tokens': '12',
        'llm.token_count.completion': 4.4,
        'ai.usage.cachedInputTokens': 3,
        'gen_ai.usage.cache_creation_input_tokens': 2,
        'gen_ai.usage.reasoning.output_tokens': 1,
        'ai.usage.totalTokens': -1,
      }).fields.usage,
    ).toEqual({ input: 12, output: 4, cacheRead: 3, cacheWrite: 2, reasoning: 1 });
  });

  it('time to first token: GenAI seconds win over Vercel milliseconds', () => {
    expect(map({ 'gen_ai.response.time_to_first_chunk': 0.25, 'ai.response.msToFirstChunk': 900 }).fields.timeToFirstTokenMs).toBe(250);
    expect(map({ 'ai.stream.msToFirstChunk': 120 }).fields.timeToFirstTokenMs).toBe(120);
  });

  it('names are cut at the protocol limit', () => {
    expect(map({ 'gen_ai.request.model': 'm'.repeat(5_000) }).fields.model).toHaveLength(1_000);
  });
});
