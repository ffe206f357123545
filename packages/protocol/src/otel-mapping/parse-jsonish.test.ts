import { describe, expect, it } from 'vitest';
import { parseJsonish } from './parse-jsonish.js';

describe('parseJsonish', () => {
  it('parses JSON objects and arrays within the bounds, keeps the rest as it came', () => {
    expect(parseJsonish(' {"a":1}', { maxChars: 100 })).toEqual({ a: 1 });
    expect(parseJsonish('"text"', { maxChars: 100 })).toBe('"text"');
    expect(parseJsonish('{broken', { maxChars: 100 })).toBe('{broken');
    expect(parseJsonish('[1,2,3]', { maxChars: 3 })).toBe('[1,2,3]');
    expect(parseJsonish(7, { maxChars: 100 })).toBe(7);
  });

  it('keeps JSON deeper than maxDepth as the string', () => {
    const deep = '[[[[1]]]]';
    expect(parseJsonish(deep, { maxChars: 100, maxDepth: 3 })).toBe(deep);
    expect(parseJsonish(deep, { maxChars: 100, maxDepth: 4 })).toEqual([[[[1]]]]);
    expect(parseJsonish(deep, { maxChars: 100 })).toEqual([[[[1]]]]);
  });
});
