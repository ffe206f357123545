import type { ObservationSummary } from '@wisp/protocol';

/** An observation placed in its trace's tree. */
export interface SpanNode {
  span: ObservationSummary;
  depth: number;
  parent: SpanNode | null;
  children: SpanNode[];
}

export interface SpanTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Earliest start and latest end (or start) of any span, for the waterfall's scale. */
  start: number;
  end: number;
}

/**
 * Builds the tree from observations sorted by start time. Spans whose parent is missing become
 * roots; self-parents and cycles (a malicious or buggy client can send them) are broken, so every
 * span appears exactly once. Iterative, because a 10,000-deep chain must not blow the stack.
 */
export function buildSpanTree(spans: readonly ObservationSummary[], now = Date.now()): SpanTree {
  const byId = new Map<string, SpanNode>();
  for (const span of spans) {
    if (!byId.has(span.spanId)) byId.set(span.spanId, { span, depth: 0, parent: null, children: [] });
  }
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentId ? byId.get(node.span.parentId) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  const placed = new Set<SpanNode>();
  const place = (root: SpanNode) => {
    const stack: Array<[SpanNode, number]> = [[root, 0]];
    while (stack.length) {
      const [node, depth] = stack.pop()!;
      if (placed.has(node)) continue;
      placed.add(node);
      node.depth = depth;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1]);
    }
  };
  for (const root of roots) place(root);
  // Whatever is left sits on a parent cycle: cut it loose as a root.
  for (const node of byId.values()) {
    if (placed.has(node)) continue;
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
    node.parent = null;
    roots.push(node);
    place(node);
  }
  let start = Infinity;
  let end = -Infinity;
  for (const { span } of byId.values()) {
    start = Math.min(start, span.startTime);
    end = Math.max(end, span.endTime ?? (span.status === 'running' ? now : span.startTime));
  }
  if (!Number.isFinite(start)) start = end = now;
  return { roots, byId, start, end: Math.max(end, start + 1) };
}

/** The rows on screen: a depth-first walk that skips the children of collapsed spans. */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<string>): SpanNode[] {
  const rows: SpanNode[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    rows.push(node);
    if (collapsed.has(node.span.spanId)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

/** Every ancestor of `spanId`, so a deep link can expand the path to it. */
export function ancestorsOf(tree: SpanTree, spanId: string): string[] {
  const out: string[] = [];
  let node = tree.byId.get(spanId)?.parent ?? null;
  while (node) {
    out.push(node.span.spanId);
    node = node.parent;
  }
  return out;
}
