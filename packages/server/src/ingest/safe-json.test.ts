import { describe, expect, it } from 'vitest';
import { parseJsonBody, scanJson } from './safe-json.js';

const scan = (text: string) => scanJson(Buffer.from(text), 64);

describe('scanJson', () => {
  it('notes a string that is exactly a dangerous key, as a key or a value', () => {
    expect(scan('{"__proto__":{"x":1}}').hasDangerousKey).toBe(true);
    expect(scan('{"a":{"constructor":{"prototype":1}}}').hasDangerousKey).toBe(true);
    expect(scan('{"a":"prototype"}').hasDangerousKey).toBe(true);
  });

  it('does not note strings that only start with or contain one', () => {
    for (const text of ['{"__proto__x":1}', '{"a":"my constructor"}', '{"prototypes":1}', '{"a":"__proto__\\"","b":"c"}', '{"_":"p","c":0}']) {
      expect(scan(text), text).toMatchObject({ hasDangerousKey: false, hasUnicodeEscape: false });
    }
  });

  it('notes \\u escapes (a key could be spelled with them) and measures depth', () => {
    expect(scan('{"\\u005f_proto__":1}')).toMatchObject({ hasUnicodeEscape: true, depth: 1 });
    expect(scan('[[[{"a":[1]}]]]').depth).toBe(5);
    // A key at the very end of a truncated body is read within bounds.
    expect(scan('{"constructo').hasDangerousKey).toBe(false);
  });
});

describe('parseJsonBody', () => {
  it('drops dangerous keys whether spelled plainly or with escapes, and keeps the rest', () => {
    const plain = parseJsonBody(Buffer.from('{"a":1,"__proto__":{"polluted":true},"b":{"constructor":2,"c":3}}'), 64);
    expect(plain).toEqual({ a: 1, b: { c: 3 } });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const escaped = parseJsonBody(Buffer.from('{"\\u005f_proto__":{"polluted":true},"ok":1}'), 64);
    expect(escaped).toEqual({ ok: 1 });
  });

  it('parses a body without dangerous keys as JSON.parse does', () => {
    const text = '{"events":[{"name":"constructor-like","input":{"prototype_id":1}}]}';
    expect(parseJsonBody(Buffer.from(text), 64)).toEqual(JSON.parse(text));
  });
});
