import { DEFAULT_LIMITS } from '../limits.js';
import type { AttributeBag } from './attribute-bag.js';
import type { JsonBounds } from './parse-jsonish.js';
import { parseJsonish } from './parse-jsonish.js';

const MAX_NAME_CHARS = DEFAULT_LIMITS.maxNameLength;
const MAX_TAGS = 100;

/** Who and what a span's trace belongs to, as instrumentations set it on any of its spans. */
export interface TraceIdentity {
  sessionId?: string;
  userId?: string;
  tags?: string[];
}

function short(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_NAME_CHARS);
}

/** Tags from a list, a JSON array string or a comma-separated string; trimmed, deduplicated, bounded. */
function tags(value: unknown, bounds: JsonBounds): string[] | undefined {
  const parsed = parseJsonish(value, bounds);
  const list: unknown[] = Array.isArray(parsed) ? parsed : typeof parsed === 'string' ? parsed.split(',') : [];
  const out = [...new Set(list.filter((t): t is string => typeof t === 'string').map((t) => t.trim().slice(0, MAX_NAME_CHARS)))].filter(
    (t) => t !== '',
  );
  return out.length > 0 ? out.slice(0, MAX_TAGS) : undefined;
}

/**
 * Session, user and tags of a span's trace from OpenTelemetry's, GenAI's, Langfuse's and the Vercel
 * AI SDK's (`ai.telemetry.metadata.*`) names.
 *
 * @example
 * mapTraceIdentity(new AttributeBag([['session.id', 's-1'], ['tag.tags', ['a', 'b']]]), bounds);
 * // { sessionId: 's-1', tags: ['a', 'b'] }
 */
export function mapTraceIdentity(bag: AttributeBag, bounds: JsonBounds): TraceIdentity {
  const out: TraceIdentity = {};
  const sessionId = short(bag.takeString('session.id', 'gen_ai.conversation.id', 'langfuse.session.id', 'ai.telemetry.metadata.sessionId'));
  const userId = short(bag.takeString('user.id', 'enduser.id', 'langfuse.user.id', 'ai.telemetry.metadata.userId'));
  const traceTags = tags(bag.take('tag.tags', 'langfuse.trace.tags'), bounds);
  if (sessionId) out.sessionId = sessionId;
  if (userId) out.userId = userId;
  if (traceTags) out.tags = traceTags;
  return out;
}
