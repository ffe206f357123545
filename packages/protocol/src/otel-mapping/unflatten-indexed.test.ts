import { describe, expect, it } from 'vitest';
import { unflattenIndexed } from './unflatten-indexed.js';

describe('unflattenIndexed', () => {
  it('rebuilds lists and objects; numeric segments make arrays, holes are dropped', () => {
    const out = unflattenIndexed(
      [
        ['m.0.role', 'user'],
        ['m.2.tool_calls.0.name', 'search'],
        ['m.x.role', 'ignored'],
        ['m.1000.role', 'ignored'],
      ],
      'm.',
    );
    expect(out).toEqual([{ role: 'user' }, { tool_calls: [{ name: 'search' }] }]);
  });

  it('keeps a `__proto__` segment as an own key', () => {
    const [item] = unflattenIndexed([['m.0.__proto__', 'x']], 'm.') as Array<Record<string, unknown>>;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.hasOwn(item as object, '__proto__')).toBe(true);
  });
});
