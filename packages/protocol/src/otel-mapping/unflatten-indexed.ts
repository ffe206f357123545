import { setOwn } from './set-own.js';

/** Highest index accepted in flattened `prefix.N.field` keys. */
const MAX_FLAT_INDEX = 999;
const MAX_FLAT_SEGMENTS = 8;

/**
 * Rebuilds the structure of flattened attributes: `gen_ai.prompt.0.role`, `gen_ai.prompt.0.content`,
 * `gen_ai.prompt.1.tool_calls.0.name` under the prefix `gen_ai.prompt.` become
 * `[{role, content}, {tool_calls: [{name}]}]`. Numeric segments make arrays; holes are dropped.
 */
export function unflattenIndexed(entries: ReadonlyArray<readonly [string, unknown]>, prefix: string): unknown[] {
  const root: unknown[] = [];
  for (const [key, value] of entries) {
    const segments = key.slice(prefix.length).split('.');
    if (segments.length > MAX_FLAT_SEGMENTS || !isIndex(segments[0])) continue;
    let container: unknown[] | Record<string, unknown> = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string;
      const last = i === segments.length - 1;
      const nextIsIndex = !last && isIndex(segments[i + 1]);
      if (Array.isArray(container)) {
        if (!isIndex(segment)) break;
        const index = Number(segment);
        if (last) container[index] = value;
        else {
          const existing = container[index];
          const next = typeof existing === 'object' && existing !== null ? existing : nextIsIndex ? [] : {};
          container[index] = next;
          container = next as unknown[] | Record<string, unknown>;
        }
      } else {
        if (last) setOwn(container, segment, value);
        else {
          const existing = Object.hasOwn(container, segment) ? container[segment] : undefined;
          const next = typeof existing === 'object' && existing !== null ? existing : nextIsIndex ? [] : {};
          setOwn(container, segment, next);
          container = next as unknown[] | Record<string, unknown>;
        }
      }
    }
  }
  return compact(root) as unknown[];
}

function isIndex(segment: string | undefined): boolean {
  return segment !== undefined && /^\d{1,3}$/.test(segment) && Number(segment) <= MAX_FLAT_INDEX;
}

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) setOwn(record, key, compact(record[key]));
  }
  return value;
}
