import { describe, expect, it } from 'vitest';
import { buildTraceTree, type TreeNode } from './trace-tree.js';

function node(spanId: string, parentId: string | null, startTime: number, endTime: number | null, extra: Partial<TreeNode> = {}): TreeNode {
  return { spanId, parentId, startTime, endTime, isError: false, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0, ...extra };
}

describe('buildTraceTree', () => {
  it('rolls totals up every subtree and follows the latest-ending child', () => {
    const nodes = [
      node('root', null, 0, 100),
      node('a', 'root', 1, 40, { cost: 1, inputTokens: 10, totalTokens: 10 }),
      node('b', 'root', 2, 90, { isError: true }),
      node('b1', 'b', 3, 50, { cost: 2, outputTokens: 5, totalTokens: 5 }),
      node('b2', 'b', 51, 89),
    ];
    const tree = buildTraceTree(nodes);
    expect(tree.criticalPath).toEqual(['root', 'b', 'b2']);
    expect(tree.critical).toEqual([true, false, true, false, true]);
    expect(tree.subtree[0]).toEqual({ spanCount: 5, errorCount: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, cost: 3 });
    expect(tree.subtree[2]).toMatchObject({ spanCount: 3, errorCount: 1, cost: 2 });
  });

  it('treats orphans (parent not arrived) as roots and uses children ends for running spans', () => {
    const nodes = [node('x', 'missing', 10, 20), node('r', null, 0, null), node('r1', 'r', 1, 30)];
    const tree = buildTraceTree(nodes);
    expect(tree.criticalPath).toEqual(['r', 'r1']);
    expect(tree.subtree[1]!.spanCount).toBe(2);
    expect(tree.subtree[0]!.spanCount).toBe(1);
  });

  it('survives parent cycles and self-parents', () => {
    const nodes = [node('a', 'b', 0, 10), node('b', 'a', 1, 5), node('c', 'c', 2, 3)];
    const tree = buildTraceTree(nodes);
    expect(tree.subtree.reduce((s, t, i) => s + (nodes[i]!.spanId === 'a' || nodes[i]!.spanId === 'c' ? t.spanCount : 0), 0)).toBe(3);
    expect(tree.criticalPath).toEqual(['a', 'b']);
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => node(String(i).padStart(16, '0'), i === 0 ? null : String(i - 1).padStart(16, '0'), i, 20_000 - i));
    const tree = buildTraceTree(nodes);
    expect(tree.subtree[0]!.spanCount).toBe(10_000);
    expect(tree.criticalPath.length).toBe(10_000);
  });
});
