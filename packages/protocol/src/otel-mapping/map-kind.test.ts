import { describe, expect, it } from 'vitest';
import { AttributeBag } from './attribute-bag.js';
import { mapKind } from './map-kind.js';

const kindOf = (attributes: Record<string, unknown>) => mapKind(new AttributeBag(Object.entries(attributes)));

describe('mapKind', () => {
  it.each([
    [{ 'langfuse.observation.type': 'guardrail', 'openinference.span.kind': 'AGENT' }, 'guardrail'],
    [{ 'langfuse.observation.type': 'evaluator' }, 'span'],
    [{ 'openinference.span.kind': 'RERANKER', 'gen_ai.operation.name': 'chat' }, 'retriever'],
    [{ 'gen_ai.operation.name': 'execute_tool' }, 'tool'],
    [{ 'gen_ai.operation.name': 'Embeddings' }, 'embedding'],
    [{ 'ai.operationId': 'ai.streamText.doStream' }, 'generation'],
    [{ 'ai.operationId': 'ai.embedMany.doEmbed' }, 'embedding'],
    [{ 'ai.operationId': 'ai.generateObject' }, 'chain'],
    [{ 'ai.operationId': 'ai.toolCall' }, 'tool'],
    [{ 'ai.toolCall.name': 'weather' }, 'tool'],
    [{ 'llm.token_count.prompt': 3 }, 'generation'],
    [{ 'http.method': 'GET' }, 'span'],
  ])('%o → %s', (attributes, kind) => {
    expect(kindOf(attributes)).toBe(kind);
  });

  it('leaves gen_ai.operation.name for metadata', () => {
    const bag = new AttributeBag([['gen_ai.operation.name', 'chat']]);
    mapKind(bag);
    expect(bag.rest()).toEqual([['gen_ai.operation.name', 'chat']]);
  });
});
