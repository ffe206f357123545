/**
 * The trace-level attributes a root span carries (name, user, session, tags, metadata, release,
 * environment, input, output), merged from `trace()` options and `updateTrace()` calls, with their
 * estimated serialized size.
 */
import type { TraceAttributes } from '@wisp/protocol';
import { DEFAULT_LIMITS } from '@wisp/protocol';
import type { Snapshot } from './snapshot.js';
import type { TraceAttributesInput } from './span-types.js';

/** The collector's limits on name-like strings and tags. */
export const MAX_NAME_LENGTH = DEFAULT_LIMITS.maxNameLength;
const MAX_TAGS = DEFAULT_LIMITS.maxTags;

type Capture = (value: unknown, field: 'trace.input' | 'trace.output' | 'trace.metadata') => Snapshot;
type Report = (message: string) => void;

/** A copy of trace attributes with a fixed shape (one hidden class for every event). */
export function copyTraceAttributes(t: TraceAttributes): TraceAttributes {
  return {
    name: t.name,
    userId: t.userId,
    sessionId: t.sessionId,
    tags: t.tags,
    metadata: t.metadata,
    release: t.release,
    environment: t.environment,
    input: t.input,
    output: t.output,
  };
}

export class TraceAttributeSet {
  readonly value: TraceAttributes = copyTraceAttributes({});
  /** Estimated serialized bytes of `value`. */
  bytes = 0;
  /** Bumped by every merge, so that a span can tell whether its start event carried the latest. */
  version = 0;

  merge(a: TraceAttributesInput, capture: Capture, report: Report): void {
    this.version++;
    const t = this.value;
    if (a.name !== undefined) t.name = this.text('name', a.name, t.name, report);
    if (a.userId !== undefined) t.userId = this.text('userId', a.userId, t.userId, report);
    if (a.sessionId !== undefined) t.sessionId = this.text('sessionId', a.sessionId, t.sessionId, report);
    if (a.release !== undefined) t.release = this.text('release', a.release, t.release, report);
    if (a.environment !== undefined) t.environment = this.text('environment', a.environment, t.environment, report);
    if (a.tags !== undefined) {
      if (Array.isArray(a.tags)) {
        const tags = a.tags.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, MAX_NAME_LENGTH));
        t.tags = [...new Set([...(t.tags ?? []), ...tags])].slice(0, MAX_TAGS);
        this.bytes += tags.reduce((n, x) => n + x.length + 3, 8);
      } else {
        report('trace tags must be an array of strings');
      }
    }
    if (a.metadata !== undefined) {
      if (a.metadata === null || typeof a.metadata !== 'object' || Array.isArray(a.metadata)) {
        report('trace metadata must be an object');
      } else {
        const snap = capture(a.metadata, 'trace.metadata');
        t.metadata = { ...(t.metadata ?? {}), ...(snap.value as Record<string, unknown>) };
        this.bytes += snap.bytes;
      }
    }
    if (a.input !== undefined) {
      const snap = capture(a.input, 'trace.input');
      t.input = snap.value;
      this.bytes += snap.bytes;
    }
    if (a.output !== undefined) {
      const snap = capture(a.output, 'trace.output');
      t.output = snap.value;
      this.bytes += snap.bytes;
    }
  }

  private text(key: string, v: unknown, previous: string | undefined, report: Report): string | undefined {
    if (typeof v === 'string') {
      this.bytes += Math.min(v.length, MAX_NAME_LENGTH) + key.length + 6;
      return v.length > MAX_NAME_LENGTH ? v.slice(0, MAX_NAME_LENGTH) : v;
    }
    report(`trace ${key} must be a string, got ${v === null ? 'null' : typeof v}`);
    return previous;
  }
}
