/**
 * The tree of a trace: subtree totals and the critical path, computed in memory from the
 * observations of one trace, in typed arrays (10,000 spans take about a millisecond). Iterative
 * throughout: a 10,000-deep chain must not overflow the stack. O(n log n) (one sort).
 *
 * Roots: spans without a parent, spans whose parent is not in the trace (orphans: the parent has
 * not arrived yet, or was lost), and, to survive hostile data, one span of every parent cycle
 * (the earliest-starting one). Every span belongs to exactly one root's tree.
 *
 * Critical path (as in Jaeger): the spans whose work determined when the trace finished. The roots
 * are treated as the children of the trace. At a parent, walking back from its end: take the child
 * that ended last at or before that point; recurse into it; then, from that child's start, take
 * the child that ended last at or before it; and so on until no child is left, so sequential steps
 * the parent waited on are all on the path, and of children running in parallel only the one
 * that ended last. The parent's own time in the gaps between them is on the path too (the parent
 * is). Children are clamped to their parent's interval first: a child starting before its parent
 * counts from the parent's start, one ending after it until the parent's end, and one entirely
 * outside it (started at or after the parent's end, or ended at or before its start) is left out.
 * Ties between children ending at the same time: the later start, then the larger span id.
 *
 * A span's effective end is its end time; for a span still running (or abandoned without end),
 * the latest effective end among its children, or else its start.
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
  /** Span ids of the critical path by (clamped) start, a parent before its children: the root first. */
  criticalPath: string[];
  /** Whether each node (by index) is on the critical path. */
  critical: boolean[];
}

/** The columns of a trace's spans, by index: what computeTree reads. */
export interface TreeColumns {
  n: number;
  spanIds: readonly string[];
  parentIds: readonly (string | null)[];
  start: Float64Array;
  /** NaN: no end (running, abandoned). */
  end: Float64Array;
  isError: Uint8Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  totalTokens: Float64Array;
  cost: Float64Array;
}

/** computeTree's answer, by index: subtree sums and the critical path. */
export interface TreeArrays {
  spanCount: Float64Array;
  errorCount: Float64Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  totalTokens: Float64Array;
  cost: Float64Array;
  critical: Uint8Array;
  /** Indices of the critical spans by clamped start, a parent before its children, then span id. */
  criticalPath: number[];
}

export function emptyTotals(): Totals {
  return { spanCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
}

export function treeColumns(n: number): TreeColumns {
  return {
    n,
    spanIds: new Array<string>(n),
    parentIds: new Array<string | null>(n),
    start: new Float64Array(n),
    end: new Float64Array(n),
    isError: new Uint8Array(n),
    inputTokens: new Float64Array(n),
    outputTokens: new Float64Array(n),
    totalTokens: new Float64Array(n),
    cost: new Float64Array(n),
  };
}

export function computeTree(c: TreeColumns): TreeArrays {
  const n = c.n;
  const { spanIds, start } = c;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(spanIds[i]!, i);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = c.parentIds[i];
    const pi = p === null || p === undefined ? undefined : index.get(p);
    if (pi !== undefined && pi !== i) parent[i] = pi;
  }

  // Children lists (CSR: the children of p are kids[first[p] .. first[p + 1]), in index order).
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) first[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const kids = new Int32Array(first[n]!);
  {
    const fill = first.slice(0, n);
    for (let i = 0; i < n; i++) if (parent[i]! >= 0) kids[fill[parent[i]!]!++] = i;
  }

  // Order the nodes so that every parent comes before its children (BFS from the roots); nodes
  // left over sit on parent cycles: cut each cycle at its earliest-starting node and go on (the
  // cut node's parent keeps it in its CSR list; `cut` makes the BFS and totals skip it there).
  const order = new Int32Array(n);
  let ordered = 0;
  const seen = new Uint8Array(n);
  const visitFrom = (root: number): void => {
    seen[root] = 1;
    let head = ordered;
    order[ordered++] = root;
    while (head < ordered) {
      const p = order[head++]!;
      for (let k = first[p]!, e = first[p + 1]!; k < e; k++) {
        const ch = kids[k]!;
        if (!seen[ch] && parent[ch] === p) {
          seen[ch] = 1;
          order[ordered++] = ch;
        }
      }
    }
  };
  for (let i = 0; i < n; i++) if (parent[i] === -1) visitFrom(i);
  if (ordered < n) {
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (!seen[i]) rest.push(i);
    rest.sort((a, b) => start[a]! - start[b]! || a - b);
    for (const i of rest) {
      if (seen[i]) continue;
      parent[i] = -1;
      visitFrom(i);
    }
  }

  // Children after parents in `order`: walk it backwards to fold totals and effective ends upward.
  const spanCount = new Float64Array(n).fill(1);
  const errorCount = Float64Array.from(c.isError);
  const inputTokens = c.inputTokens.slice();
  const outputTokens = c.outputTokens.slice();
  const totalTokens = c.totalTokens.slice();
  const cost = c.cost.slice();
  const effEnd = new Float64Array(n);
  const childEnd = new Float64Array(n).fill(-Infinity);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const e = c.end[i]!;
    effEnd[i] = e === e ? e : childEnd[i]! > -Infinity ? childEnd[i]! : start[i]!;
    const p = parent[i]!;
    if (p >= 0) {
      spanCount[p]! += spanCount[i]!;
      errorCount[p]! += errorCount[i]!;
      inputTokens[p]! += inputTokens[i]!;
      outputTokens[p]! += outputTokens[i]!;
      totalTokens[p]! += totalTokens[i]!;
      cost[p]! += cost[i]!;
      if (effEnd[i]! > childEnd[p]!) childEnd[p] = effEnd[i]!;
    }
  }

  // Clamp each span to its parent's (clamped) interval, top-down; `out` marks the spans left out.
  const cs = new Float64Array(n);
  const ce = new Float64Array(n);
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const s = start[i]!;
    const e = effEnd[i]! < s ? s : effEnd[i]!;
    const p = parent[i]!;
    if (p < 0) {
      cs[i] = s;
      ce[i] = e;
      continue;
    }
    const ps = cs[p]!;
    const pe = ce[p]!;
    if (out[p] || (!(s >= ps && e <= pe) && (s >= pe || e <= ps))) out[i] = 1;
    cs[i] = s < ps ? ps : s;
    ce[i] = e > pe ? pe : e;
  }

  // Every parent's children (and the roots, the trace's "children") by clamped end, latest first.
  const byEnd = new Int32Array(n);
  for (let i = 0; i < n; i++) byEnd[i] = i;
  byEnd.sort((a, b) => ce[b]! - ce[a]! || cs[b]! - cs[a]! || (spanIds[a]! < spanIds[b]! ? 1 : spanIds[a]! > spanIds[b]! ? -1 : b - a));
  // CSR again, with the trace as node n: slot ranges filled in byEnd order, so each is sorted.
  const from = new Int32Array(n + 2);
  for (let i = 0; i < n; i++) if (!out[i]) from[(parent[i]! >= 0 ? parent[i]! : n) + 1]!++;
  for (let i = 0; i <= n; i++) from[i + 1]! += from[i]!;
  const sorted = new Int32Array(from[n + 1]!);
  const cursor = from.slice(0, n + 1);
  for (let k = 0; k < n; k++) {
    const i = byEnd[k]!;
    if (!out[i]) sorted[cursor[parent[i]! >= 0 ? parent[i]! : n]!++] = i;
  }

  // The walk: at `at`, looking back from `limit`, the next child is the first (latest-ending) one
  // not yet passed whose clamped end is at or before `limit`. `limit` only decreases at a node, so
  // children passed over (ending later, i.e. overlapping what was taken) never qualify again and
  // each node's cursor only moves forward: O(n) in all.
  const critical = new Uint8Array(n);
  cursor.set(from.subarray(0, n + 1));
  let at = n;
  let limit = Infinity;
  for (;;) {
    let k = cursor[at]!;
    const e = from[at + 1]!;
    while (k < e && ce[sorted[k]!]! > limit) k++;
    if (k < e) {
      const ch = sorted[k]!;
      cursor[at] = k + 1;
      critical[ch] = 1;
      at = ch;
      limit = ce[ch]!;
      continue;
    }
    cursor[at] = k;
    if (at === n) break;
    limit = cs[at]!;
    at = parent[at]! >= 0 ? parent[at]! : n;
  }

  // Path order: by clamped start, a parent before its children (same start), then span id.
  const depth = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (parent[i]! >= 0) depth[i] = depth[parent[i]!]! + 1;
  }
  const criticalPath: number[] = [];
  for (let i = 0; i < n; i++) if (critical[i]) criticalPath.push(i);
  const before = (a: number, b: number): number =>
    cs[a]! - cs[b]! || depth[a]! - depth[b]! || (spanIds[a]! < spanIds[b]! ? -1 : spanIds[a]! > spanIds[b]! ? 1 : a - b);
  // Spans given in start order (trace detail) are mostly in path order already: check, then sort.
  let inOrder = true;
  for (let k = 1; k < criticalPath.length && inOrder; k++) inOrder = before(criticalPath[k - 1]!, criticalPath[k]!) < 0;
  if (!inOrder) criticalPath.sort(before);
  return { spanCount, errorCount, inputTokens, outputTokens, totalTokens, cost, critical, criticalPath };
}

/** Subtree totals of node `i` as the API's Totals. */
export function totalsAt(t: TreeArrays, i: number): Totals {
  return {
    spanCount: t.spanCount[i]!,
    errorCount: t.errorCount[i]!,
    inputTokens: t.inputTokens[i]!,
    outputTokens: t.outputTokens[i]!,
    totalTokens: t.totalTokens[i]!,
    cost: t.cost[i]!,
  };
}

/** computeTree over node objects (tests, and one observation's detail). */
export function buildTraceTree(nodes: readonly TreeNode[]): TraceTree {
  const n = nodes.length;
  const c = treeColumns(n);
  const spanIds = c.spanIds as string[];
  const parentIds = c.parentIds as (string | null)[];
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    spanIds[i] = node.spanId;
    parentIds[i] = node.parentId;
    c.start[i] = node.startTime;
    c.end[i] = node.endTime ?? NaN;
    c.isError[i] = node.isError ? 1 : 0;
    c.inputTokens[i] = node.inputTokens;
    c.outputTokens[i] = node.outputTokens;
    c.totalTokens[i] = node.totalTokens;
    c.cost[i] = node.cost;
  }
  const t = computeTree(c);
  const subtree: Totals[] = new Array<Totals>(n);
  const critical: boolean[] = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    subtree[i] = totalsAt(t, i);
    critical[i] = t.critical[i] === 1;
  }
  return { subtree, criticalPath: t.criticalPath.map((i) => spanIds[i]!), critical };
}
