import type { ObservationSummary } from '@wisp/protocol';
import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildSpanTree, visibleRows } from './span-tree.js';

function span(spanId: string, parentId: string | null, startTime = 0, endTime: number | null = startTime + 10): ObservationSummary {
  return { spanId, parentId, startTime, endTime, status: endTime === null ? 'running' : 'ok' } as ObservationSummary;
}

describe('buildSpanTree', () => {
  it('nests spans, keeps start order, and orphans become roots', () => {
    const tree = buildSpanTree([span('a', null, 0, 100), span('b', 'a', 1), span('c', 'b', 2), span('d', 'missing', 3), span('e', 'a', 4)]);
    expect(tree.roots.map((n) => n.span.spanId)).toEqual(['a', 'd']);
    expect(visibleRows(tree, new Set()).map((n) => [n.span.spanId, n.depth])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['e', 1],
      ['d', 0],
    ]);
    expect(visibleRows(tree, new Set(['b'])).map((n) => n.span.spanId)).toEqual(['a', 'b', 'e', 'd']);
    expect(ancestorsOf(tree, 'c')).toEqual(['b', 'a']);
    expect([tree.start, tree.end]).toEqual([0, 100]);
  });

  it('breaks self-parents and cycles so every span shows exactly once', () => {
    const tree = buildSpanTree([span('a', 'a'), span('b', 'c'), span('c', 'b'), span('d', 'b')]);
    const ids = visibleRows(tree, new Set()).map((n) => n.span.spanId);
    expect(ids.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i ? `s${i - 1}` : null, i));
    const rows = visibleRows(buildSpanTree(spans), new Set());
    expect(rows).toHaveLength(10_000);
    expect(rows[9_999]!.depth).toBe(9_999);
  });

  it('draws running spans up to now', () => {
    expect(buildSpanTree([span('a', null, 0, null)], 500).end).toBe(500);
  });
});
