import { describe, expect, it } from 'vitest';
import { AttributeBag } from './attribute-bag.js';
import { mapTraceIdentity } from './map-trace-identity.js';

const BOUNDS = { maxChars: 10_000 };
const identity = (attributes: Record<string, unknown>) => mapTraceIdentity(new AttributeBag(Object.entries(attributes)), BOUNDS);

describe('mapTraceIdentity', () => {
  it('session and user from OTel, GenAI, Langfuse and Vercel AI SDK names', () => {
    expect(identity({ 'gen_ai.conversation.id': 'c-1', 'enduser.id': 'u-1' })).toEqual({ sessionId: 'c-1', userId: 'u-1' });
    expect(identity({ 'ai.telemetry.metadata.sessionId': 's-7', 'ai.telemetry.metadata.userId': 42 })).toEqual({ sessionId: 's-7', userId: '42' });
  });

  it('tags from a list, a JSON string or a comma-separated string; trimmed and deduplicated', () => {
    expect(identity({ 'tag.tags': ['a', ' b', 'a', ''] }).tags).toEqual(['a', 'b']);
    expect(identity({ 'langfuse.trace.tags': '["x","y"]' }).tags).toEqual(['x', 'y']);
    expect(identity({ 'tag.tags': 'p, q' }).tags).toEqual(['p', 'q']);
    expect(identity({})).toEqual({});
  });
});
