import { describe, expect, it } from 'vitest';
import { parseTraceView, traceViewUrl, viewQuery } from './trace-query.js';

describe('trace view in the URL', () => {
  it('round-trips filters, repeated tags, sort and range', () => {
    const url = '/traces?name=agent&status=error&tags=a&tags=b+c&minLatencyMs=500&search=x&range=24h&sort=cost&order=asc';
    const view = parseTraceView(new URL(url, 'http://x').searchParams);
    expect(view).toEqual({ name: 'agent', status: 'error', tags: ['a', 'b c'], minLatencyMs: 500, search: 'x', range: '24h', sort: 'cost', order: 'asc' });
    expect(parseTraceView(new URL(traceViewUrl(view), 'http://x').searchParams)).toEqual(view);
  });

  it('drops unknown or malformed values instead of sending them', () => {
    const view = parseTraceView(new URLSearchParams('status=nope&kind=weird&sort=DROP&minCost=abc&range=9y&order=sideways'));
    expect(view).toEqual({ sort: 'startTime', order: 'desc' });
    expect(traceViewUrl(view)).toBe('/traces');
  });

  it('turns a relative range into from at query time', () => {
    const view = parseTraceView(new URLSearchParams('range=1h'));
    expect(viewQuery(view, 10_000_000, 50)).toEqual({ from: 10_000_000 - 3_600_000, sort: 'startTime', order: 'desc', limit: 50 });
  });
});
