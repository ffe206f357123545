import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { containsPattern } from './like.js';

describe('cursor', () => {
  it('round-trips and rejects cursors of another sort or shape', () => {
    const c = encodeCursor('startTime:desc', [123.5, 'ab'.repeat(16)]);
    expect(decodeCursor(c, 'startTime:desc', ['number', 'string'])).toEqual([123.5, 'ab'.repeat(16)]);
    expect(() => decodeCursor(c, 'cost:desc', ['number', 'string'])).toThrow(/cursor/);
    expect(() => decodeCursor(c, 'startTime:desc', ['string', 'string'])).toThrow(/cursor/);
    expect(() => decodeCursor('!!', 'startTime:desc', ['number', 'string'])).toThrow(/cursor/);
    expect(() => decodeCursor('a'.repeat(600), 'startTime:desc', ['number', 'string'])).toThrow(/cursor/);
    expect(decodeCursor(encodeCursor('d', [null, 'x']), 'd', ['number?', 'string'])).toEqual([null, 'x']);
  });
});

describe('containsPattern', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
