import { describe, expect, it } from 'vitest';
import { buildTraceTree, type TreeNode } from './trace-tree.js';

function node(spanId: string, parentId: string | null, startTime: number, endTime: number | null, extra: Partial<TreeNode> = {}): TreeNode {
  return { spanId, parentId, startTime, endTime, isError: false, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0, ...extra };
}

/** The critical spans' ids, in path order (start time). */
const pathOf = (nodes: TreeNode[]) => buildTraceTree(nodes).criticalPath;

describe('buildTraceTree: subtree totals', () => {
  it('rolls totals up every subtree', () => {
    const nodes = [
      node('root', null, 0, 100),
      node('a', 'root', 1, 40, { cost: 1, inputTokens: 10, totalTokens: 10 }),
      node('b', 'root', 2, 90, { isError: true }),
      node('b1', 'b', 3, 50, { cost: 2, outputTokens: 5, totalTokens: 5 }),
      node('b2', 'b', 51, 89),
    ];
    const tree = buildTraceTree(nodes);
    expect(tree.subtree[0]).toEqual({ spanCount: 5, errorCount: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, cost: 3 });
    expect(tree.subtree[2]).toMatchObject({ spanCount: 3, errorCount: 1, cost: 2 });
    expect(tree.subtree[1]).toEqual({ spanCount: 1, errorCount: 0, inputTokens: 10, outputTokens: 0, totalTokens: 10, cost: 1 });
    // b waited for b1 then b2 (sequential); a ran in parallel with b and ended before it: off the path.
    expect(tree.criticalPath).toEqual(['root', 'b', 'b1', 'b2']);
    expect(tree.critical).toEqual([true, false, true, true, true]);
  });

  it('survives parent cycles and self-parents', () => {
    const nodes = [node('a', 'b', 0, 10), node('b', 'a', 1, 5), node('c', 'c', 2, 3)];
    const tree = buildTraceTree(nodes);
    expect(tree.subtree.reduce((s, t, i) => s + (nodes[i]!.spanId === 'a' || nodes[i]!.spanId === 'c' ? t.spanCount : 0), 0)).toBe(3);
    expect(tree.criticalPath).toEqual(['a', 'b']);
  });

  it('handles an empty trace', () => {
    expect(buildTraceTree([])).toEqual({ subtree: [], criticalPath: [], critical: [] });
  });
});

describe('buildTraceTree: critical path', () => {
  it('takes every sequential step the parent waited on, and the parent', () => {
    // An agent: plan, then lookup_order, then answer, then output-guardrail, one after the other.
    const nodes = [
      node('agent', null, 0, 100),
      node('plan', 'agent', 1, 10),
      node('lookup_order', 'agent', 12, 30),
      node('answer', 'agent', 30, 80), // starts exactly when lookup_order ends
      node('output-guardrail', 'agent', 85, 99),
    ];
    expect(pathOf(nodes)).toEqual(['agent', 'plan', 'lookup_order', 'answer', 'output-guardrail']);
  });

  it('of a parallel fan-out takes only the branch that ended last, then what came before the fan-out', () => {
    const nodes = [
      node('root', null, 0, 100),
      node('prepare', 'root', 0, 10),
      node('fetch-a', 'root', 10, 40),
      node('fetch-b', 'root', 10, 90), // the slowest branch
      node('fetch-c', 'root', 11, 60),
      node('b-inner', 'fetch-b', 20, 85),
    ];
    expect(pathOf(nodes)).toEqual(['root', 'prepare', 'fetch-b', 'b-inner']);
  });

  it('clamps overlapping children: a child that overlaps the next step is not before it', () => {
    // x overlaps y (ends after y starts): from y's start, x does not qualify; w (ended before y) does.
    const nodes = [node('p', null, 0, 100), node('w', 'p', 0, 20), node('x', 'p', 10, 60), node('y', 'p', 50, 100)];
    expect(pathOf(nodes)).toEqual(['p', 'w', 'y']);
  });

  it('clamps children to the parent: running past its end, starting before it, or entirely outside it', () => {
    const nodes = [
      node('root', null, 0, 100),
      node('p', 'root', 10, 50),
      node('late', 'p', 40, 70), // ends after p: counts as ending at 50
      node('early', 'p', 5, 20), // starts before p: counts from 10
      node('after', 'p', 60, 65), // entirely after p ended: left out
      node('tail', 'root', 50, 100),
    ];
    const tree = buildTraceTree(nodes);
    expect(tree.criticalPath).toEqual(['root', 'p', 'early', 'late', 'tail']);
    expect(tree.subtree[1]!.spanCount).toBe(4);
  });

  it('treats orphans as roots of the trace, chained like children of the trace', () => {
    // Parent "missing" never arrived: its children are roots, sequential ones are all on the path.
    const nodes = [node('o1', 'missing', 0, 10), node('o2', 'missing', 10, 30), node('o2a', 'o2', 12, 28), node('o3', 'missing', 5, 8)];
    expect(pathOf(nodes)).toEqual(['o1', 'o2', 'o2a']);
    // A root and an orphan inside its time: the root's path only.
    expect(pathOf([node('x', 'missing', 10, 20), node('r', null, 0, 50), node('r1', 'r', 1, 50)])).toEqual(['r', 'r1']);
  });

  it('ends a running span (no end) when its last child ends, or at its start', () => {
    const nodes = [
      node('r', null, 0, null), // running: ends (for the path) when r2 ends
      node('r1', 'r', 1, 30),
      node('r2', 'r', 31, 60),
      node('r2a', 'r2', 40, null), // running leaf: a point at its start
      node('x', 'missing', 10, 20),
    ];
    const tree = buildTraceTree(nodes);
    expect(tree.criticalPath).toEqual(['r', 'r1', 'r2', 'r2a']);
    expect(tree.subtree[0]!.spanCount).toBe(4);
  });

  it('breaks ties between children ending together by the later start, then the larger span id', () => {
    expect(pathOf([node('p', null, 0, 10), node('a', 'p', 0, 10), node('b', 'p', 5, 10)])).toEqual(['p', 'b']);
    expect(pathOf([node('p', null, 0, 10), node('a', 'p', 5, 10), node('b', 'p', 5, 10)])).toEqual(['p', 'b']);
    // Zero-length children at the same instant are all taken (each ends at or before the next's start).
    expect(pathOf([node('p', null, 0, 10), node('a', 'p', 10, 10), node('b', 'p', 10, 10)])).toEqual(['p', 'a', 'b']);
  });

  it('handles a 10,000-deep chain and 10,000 sequential siblings without recursion', () => {
    const id = (i: number) => String(i).padStart(16, '0');
    const chain = Array.from({ length: 10_000 }, (_, i) => node(id(i), i === 0 ? null : id(i - 1), i, 20_000 - i));
    const tree = buildTraceTree(chain);
    expect(tree.subtree[0]!.spanCount).toBe(10_000);
    expect(tree.criticalPath.length).toBe(10_000);
    expect(tree.criticalPath[0]).toBe(id(0));

    const steps = [node('root', null, 0, 100_000), ...Array.from({ length: 9_999 }, (_, i) => node(id(i), 'root', i * 10, i * 10 + 9))];
    expect(pathOf(steps).length).toBe(10_000);
    // All in parallel: the root and the last to end.
    const fan = [node('root', null, 0, 100_000), ...Array.from({ length: 9_999 }, (_, i) => node(id(i), 'root', 0, 50_000 + i))];
    expect(pathOf(fan)).toEqual(['root', id(9_998)]);
  });
});
