/**
 * Structured values that arrive as JSON strings (OTel attributes are flat scalars, so
 * instrumentations encode messages and documents; LangChain encodes tool inputs) are parsed to keep
 * their structure, but only up to a size: a bigger string would be cut by the snapshot anyway, and
 * parsing is work on the app's tick (OTel ends spans there, LangChain awaits its callbacks).
 */

/** Longest JSON string parsed, in characters. */
export const MAX_PARSED_JSON = 256 * 1024;

export function parseJsonish(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > MAX_PARSED_JSON) return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * `prefix.0.role`, `prefix.0.content`, `prefix.1.role`... into `[{ role, content }, ...]` (deeper
 * dotted paths become nested objects), as OpenLLMetry and OpenInference flatten message lists.
 */
export function unflattenIndexed(entries: ReadonlyArray<[string, unknown]>, prefix: string): unknown[] {
  const items: Array<Record<string, unknown>> = [];
  for (const [key, value] of entries) {
    const path = key.slice(prefix.length).split('.');
    const index = Number(path[0]);
    if (!Number.isInteger(index) || index < 0 || index > 10_000 || path.length < 2) continue;
    let node = (items[index] ??= {});
    for (let i = 1; i < path.length - 1; i++) {
      const part = path[i]!;
      if (part === '__proto__') break;
      const next = node[part];
      node = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : (node[part] = {});
    }
    const leaf = path[path.length - 1]!;
    if (leaf !== '__proto__') node[leaf] = parseJsonish(value);
  }
  return items.filter((item) => item !== undefined);
}
