/**
 * How much JSON found in a string attribute is parsed. The collector and the SDK differ: the SDK
 * parses on the application's tick and its snapshot cuts big values anyway, so it stops earlier.
 */
export interface JsonBounds {
  /** Strings longer than this are never parsed: they stay text. */
  maxChars: number;
  /** Parsed values nested deeper than this are kept as the string. @default unbounded */
  maxDepth?: number;
}

function depthOf(value: unknown, limit: number): number {
  // Iterative, so a hostile value cannot overflow the stack while being measured.
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/**
 * Attribute values that carry JSON as a string (`gen_ai.input.messages`, `input.value` with a JSON
 * mime type, tool arguments) become structured; anything else, or JSON beyond `bounds`, stays as it
 * came.
 */
export function parseJsonish(value: unknown, bounds: JsonBounds): unknown {
  if (typeof value !== 'string' || value.length > bounds.maxChars) return value;
  const first = value.trimStart().charAt(0);
  if (first !== '{' && first !== '[') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    const { maxDepth } = bounds;
    return maxDepth !== undefined && depthOf(parsed, maxDepth) > maxDepth ? value : parsed;
  } catch {
    return value;
  }
}
