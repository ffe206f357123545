/**
 * The tree of a trace: subtree totals and the critical path, computed in memory from the
 * observations of one trace (10,000 spans take a few ms). Iterative throughout: a 10,000-deep
 * chain must not overflow the stack.
 *
 * Roots: spans without a parent, spans whose parent is not in the trace (orphans: the parent has
 * not arrived yet, or was lost), and, to survive hostile data, one span of every parent cycle
 * (the earliest-starting one). Every span belongs to exactly one root's tree.
 *
 * Critical path: start at the root whose effective end is latest and, at each node, follow the
 * child whose effective end is latest (ties: the later start, then the larger span id), down to a
 * leaf. A span's effective end is its end time; for a span still running (or abandoned without
 * end), the latest effective end among its children, or else its start. This is the chain of work
 * that determined when the trace finished: shortening anything off it would not have finished
 * the trace sooner.
 */
import type { Totals } from '@wisp/protocol';

export interface TreeNode {
  spanId: string;
  parentId: string | null;
  startTime: number;
  endTime: number | null;
  isError: boolean;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
}

export interface TraceTree {
  /** Totals of each node's subtree, by index in the input. */
  subtree: Totals[];
  /** Span ids of the critical path, root first. */
  criticalPath: string[];
  /** Whether each node (by index) is on the critical path. */
  critical: boolean[];
}

export function emptyTotals(): Totals {
  return { spanCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
}

function addInto(into: Totals, from: Totals): void {
  into.spanCount += from.spanCount;
  into.errorCount += from.errorCount;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.totalTokens += from.totalTokens;
  into.cost += from.cost;
}

export function buildTraceTree(nodes: readonly TreeNode[]): TraceTree {
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.spanId, i));
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = nodes[i]!.parentId;
    const pi = p === null ? undefined : index.get(p);
    if (pi !== undefined && pi !== i) parent[i] = pi;
  }

  // Order the nodes so that every parent comes before its children (BFS from the roots); nodes
  // left over sit on parent cycles: cut each cycle at its earliest-starting node and go on.
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) children[parent[i]!]!.push(i);
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const roots: number[] = [];
  const visitFrom = (root: number) => {
    roots.push(root);
    seen[root] = 1;
    let head = order.length;
    order.push(root);
    while (head < order.length) {
      for (const c of children[order[head++]!]!) {
        if (!seen[c]) {
          seen[c] = 1;
          order.push(c);
        }
      }
    }
  };
  for (let i = 0; i < n; i++) if (parent[i] === -1) visitFrom(i);
  if (order.length < n) {
    const rest = [...Array(n).keys()].filter((i) => !seen[i]).sort((a, b) => nodes[a]!.startTime - nodes[b]!.startTime);
    for (const i of rest) {
      if (seen[i]) continue;
      const p = parent[i]!;
      children[p] = children[p]!.filter((c) => c !== i);
      parent[i] = -1;
      visitFrom(i);
    }
  }

  // Children after parents in `order`: walk it backwards to fold totals and effective ends upward.
  const subtree: Totals[] = nodes.map((node) => ({
    spanCount: 1,
    errorCount: node.isError ? 1 : 0,
    inputTokens: node.inputTokens,
    outputTokens: node.outputTokens,
    totalTokens: node.totalTokens,
    cost: node.cost,
  }));
  const effectiveEnd = new Float64Array(n);
  const childEnd = new Float64Array(n).fill(-Infinity);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    const node = nodes[i]!;
    effectiveEnd[i] = node.endTime ?? (childEnd[i]! > -Infinity ? childEnd[i]! : node.startTime);
    const p = parent[i]!;
    if (p >= 0) {
      addInto(subtree[p]!, subtree[i]!);
      if (effectiveEnd[i]! > childEnd[p]!) childEnd[p] = effectiveEnd[i]!;
    }
  }

  const later = (a: number, b: number): boolean => {
    if (effectiveEnd[a] !== effectiveEnd[b]) return effectiveEnd[a]! > effectiveEnd[b]!;
    if (nodes[a]!.startTime !== nodes[b]!.startTime) return nodes[a]!.startTime > nodes[b]!.startTime;
    return nodes[a]!.spanId > nodes[b]!.spanId;
  };
  const pick = (candidates: readonly number[]): number => {
    let best = -1;
    for (const c of candidates) if (best < 0 || later(c, best)) best = c;
    return best;
  };
  const critical = new Array<boolean>(n).fill(false);
  const criticalPath: string[] = [];
  for (let at = pick(roots); at >= 0; at = pick(children[at]!)) {
    critical[at] = true;
    criticalPath.push(nodes[at]!.spanId);
  }
  return { subtree, criticalPath, critical };
}
