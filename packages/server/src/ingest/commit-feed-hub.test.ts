import { describe, expect, it } from 'vitest';
import { testSpan } from '../testing/test-server.js';
import { CommitFeedHub } from './commit-feed-hub.js';

describe('CommitFeedHub', () => {
  it('tells listeners each project’s distinct trace ids; a throwing listener harms no other', () => {
    const errors: unknown[] = [];
    const hub = new CommitFeedHub((e) => errors.push(e));
    const seen: Array<[string, string[]]> = [];
    hub.subscribe(() => {
      throw new Error('listener bug');
    });
    const off = hub.subscribe((p, ids) => seen.push([p, [...ids].sort()]));
    const a = testSpan();
    const b = testSpan();
    hub.publish([
      { projectId: 'p1', spans: [a, { ...a, spanId: 'aaaaaaaaaaaaaaab' }], reports: [] },
      { projectId: 'p2', spans: [b], reports: [] },
      { projectId: 'p1', spans: [b], reports: [] },
      { projectId: 'p3', spans: [], reports: [] },
    ]);
    expect(seen).toEqual([
      ['p1', [a.traceId, b.traceId].sort()],
      ['p2', [b.traceId]],
    ]);
    expect(errors).toHaveLength(2);
    off();
    hub.publish([{ projectId: 'p1', spans: [a], reports: [] }]);
    expect(seen).toHaveLength(2);
  });
});
