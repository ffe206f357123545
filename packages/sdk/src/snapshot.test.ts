import { describe, expect, it } from 'vitest';
import { DEFAULT_SNAPSHOT_LIMITS, snapshot } from './snapshot.js';
import { REDACTED } from './redaction.js';

const limits = DEFAULT_SNAPSHOT_LIMITS;

describe('snapshot', () => {
  it('copies plain values and estimates their JSON size', () => {
    const value = { a: 1, b: 'two', c: [true, null], d: { e: 'f' } };
    const s = snapshot(value);
    expect(s.value).toEqual(value);
    expect(s.value).not.toBe(value);
    const json = JSON.stringify(value).length;
    expect(s.bytes).toBeGreaterThanOrEqual(json * 0.5);
    expect(s.bytes).toBeLessThanOrEqual(json * 3);
    expect(s.truncated).toBe(false);
  });

  it('is unaffected by later mutation of the original', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const s = snapshot({ messages });
    messages.push({ role: 'assistant', content: 'later' });
    messages[0]!.content = 'changed';
    expect(s.value).toEqual({ messages: [{ role: 'user', content: 'hi' }] });
  });

  it('marks circular references and keeps shared (non-circular) ones', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const shared = { x: 1 };
    const s = snapshot({ a, left: shared, right: shared });
    expect(s.value).toEqual({ a: { name: 'a', self: '[Circular]' }, left: { x: 1 }, right: { x: 1 } });
  });

  it('handles BigInt, symbols, functions, NaN, Infinity and undefined', () => {
    const s = snapshot({ big: 12345678901234567890n, sym: Symbol('s'), fn: function named() {}, nan: NaN, inf: -Infinity, u: undefined, arr: [undefined, 1] });
    expect(s.value).toEqual({ big: '12345678901234567890n', sym: 'Symbol(s)', fn: '[Function named]', nan: 'NaN', inf: '-Infinity', arr: [null, 1] });
    expect(() => JSON.stringify(s.value)).not.toThrow();
  });

  it('records Error name, message, stack, cause and own fields', () => {
    const cause = new TypeError('root cause');
    const err = Object.assign(new Error('outer', { cause }), { code: 'E_BAD' });
    const s = snapshot(err).value as Record<string, any>;
    expect(s.name).toBe('Error');
    expect(s.message).toBe('outer');
    expect(s.stack).toContain('outer');
    expect(s.code).toBe('E_BAD');
    expect(s.cause.name).toBe('TypeError');
    expect(s.cause.message).toBe('root cause');
  });

  it('converts Map, Set and Date', () => {
    const s = snapshot({ m: new Map<unknown, unknown>([['k', 1], [2, 'two']]), s: new Set([1, 'a']), d: new Date(0), bad: new Date(NaN) });
    expect(s.value).toEqual({ m: { k: 1, '2': 'two' }, s: [1, 'a'], d: '1970-01-01T00:00:00.000Z', bad: 'Invalid Date' });
  });

  it('summarizes typed arrays, Buffers and ArrayBuffers without copying them', () => {
    const s = snapshot({ buf: Buffer.alloc(5_000_000), u8: new Uint8Array(10), f: new Float64Array(3), ab: new ArrayBuffer(7), dv: new DataView(new ArrayBuffer(4)) });
    expect(s.value).toEqual({ buf: '[Buffer 5000000 bytes]', u8: '[Uint8Array(10)]', f: '[Float64Array(3)]', ab: '[ArrayBuffer 7 bytes]', dv: '[DataView 4 bytes]' });
    expect(s.bytes).toBeLessThan(500);
  });

  it('keeps own fields of class instances and names empty ones', () => {
    class Point { x = 1; y = 2; get sum() { return this.x + this.y; } }
    class Empty {}
    expect(snapshot({ p: new Point(), e: new Empty() }).value).toEqual({ p: { x: 1, y: 2 }, e: '[Empty]' });
  });

  it('uses toJSON when present and survives a throwing toJSON', () => {
    expect(snapshot({ v: { toJSON: () => ({ ok: 1 }) } }).value).toEqual({ v: { ok: 1 } });
    const s = snapshot({ v: { toJSON: () => { throw new Error('nope'); } }, after: 1 });
    expect(s.value).toEqual({ v: '[Unserializable: nope]', after: 1 });
  });

  it('replaces only the value of a getter that throws', () => {
    const o = { ok: 1 };
    Object.defineProperty(o, 'bad', { enumerable: true, get() { throw new Error('getter boom'); } });
    expect(snapshot(o).value).toEqual({ ok: 1, bad: '[Thrown: getter boom]' });
  });

  it('survives Proxies whose traps throw, and revoked Proxies', () => {
    const throwing = new Proxy({}, {
      ownKeys() { throw new Error('trap ownKeys'); },
      get() { throw new Error('trap get'); },
      getPrototypeOf() { throw new Error('trap proto'); },
      has() { throw new Error('trap has'); },
    });
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const getOnly = new Proxy({ a: 1, b: 2 }, { get() { throw new Error('trap get'); } });
    let s: ReturnType<typeof snapshot> | undefined;
    expect(() => (s = snapshot({ throwing, proxy, getOnly, fine: 'yes' }))).not.toThrow();
    const v = s!.value as Record<string, unknown>;
    expect(v.fine).toBe('yes');
    expect(String(v.throwing)).toMatch(/^\[Unserializable: trap/);
    expect(String(v.proxy)).toMatch(/^\[Unserializable/);
    expect(v.getOnly).toEqual({ a: '[Thrown: trap get]', b: '[Thrown: trap get]' });
  });

  it('cuts a 10 MB string quickly, and the result does not keep the original alive', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const t0 = performance.now();
    const s = snapshot({ huge });
    const ms = performance.now() - t0;
    const out = (s.value as { huge: string }).huge;
    expect(out.length).toBeLessThan(limits.maxStringLength + 100);
    expect(out).toMatch(/…\[truncated \d+ chars\]$/);
    expect(s.truncated).toBe(true);
    expect(s.bytes).toBeLessThan(limits.maxStringLength + 200);
    // Bounded whatever the input size (about 0.5 ms warm; generous for loaded CI machines).
    expect(ms).toBeLessThan(250);
  });

  it('keeps a string over 32 KB (the default) as its head and a truncation marker; the cap is configurable', () => {
    expect(limits.maxStringLength).toBe(32 * 1024);
    expect(limits.maxBytes).toBe(256 * 1024);
    const big = 'ab'.repeat(50 * 1024);
    const s = snapshot(big);
    expect(s.value).toBe(`${big.slice(0, 32 * 1024)}…[truncated ${big.length - 32 * 1024} chars]`);
    expect(s.truncated).toBe(true);
    expect(s.bytes).toBeGreaterThan(32 * 1024);
    expect(s.bytes).toBeLessThan(32 * 1024 + 100);
    // Just at the cap: kept whole.
    expect(snapshot(big.slice(0, 32 * 1024))).toMatchObject({ value: big.slice(0, 32 * 1024), truncated: false });
    // A bigger cap keeps it whole.
    expect(snapshot(big, { ...limits, maxStringLength: 200 * 1024 })).toMatchObject({ value: big, truncated: false });
  });

  it('caps depth, breadth and total bytes', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const d = JSON.stringify(snapshot(deep).value);
    expect(d).toContain('[Object]');
    expect(d.length).toBeLessThan(1000);

    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const w = snapshot(wide).value as Record<string, unknown>;
    expect(Object.keys(w).length).toBe(limits.maxBreadth + 1);
    expect(w['…']).toBe('[4000 more keys]');

    const long = Array.from({ length: 100_000 }, (_, i) => i);
    const l = snapshot(long).value as unknown[];
    expect(l.length).toBe(limits.maxBreadth + 1);
    expect(l.at(-1)).toBe('[99000 more items]');

    const many = Array.from({ length: 500 }, () => 'y'.repeat(10_000));
    const m = snapshot(many, { ...limits, maxBytes: 100_000 });
    expect(m.truncated).toBe(true);
    expect(JSON.stringify(m.value).length).toBeLessThan(130_000);
    expect(m.bytes).toBeLessThan(130_000);
  });

  it('redacts secret keys and secret-looking values, but not token counts', () => {
    const s = snapshot({
      headers: { Authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', 'set-cookie': ['a=b'], 'x-api-key': 'k', accept: 'json' },
      api_key: 'x', apiKey: 'x', ACCESS_TOKEN: 'x', password: 'hunter2', client_secret: 'x', aws_access_key_id: 'x', private_key: 'x',
      max_tokens: 256, usage: { input_tokens: 10, output_tokens: 20 },
      note: 'sk-proj-abcdefghijklmnopqrstuvwx', anth: 'sk-ant-api03-abcdefghijklmnopqrstuv', aws: 'AKIAIOSFODNN7EXAMPLE',
      gh: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', slack: 'xoxb-1234567890-abcdef', bearer: 'Bearer eyJhbGciOiJIUzI1NiJ9.x.y',
      plain: 'the sky is blue', short: 'sk-1',
    }).value as Record<string, any>;
    expect(s.headers).toEqual({ Authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED, 'x-api-key': REDACTED, accept: 'json' });
    for (const k of ['api_key', 'apiKey', 'ACCESS_TOKEN', 'password', 'client_secret', 'aws_access_key_id', 'private_key', 'note', 'anth', 'aws', 'gh', 'slack', 'bearer']) {
      expect(s[k], k).toBe(REDACTED);
    }
    expect(s.max_tokens).toBe(256);
    expect(s.usage).toEqual({ input_tokens: 10, output_tokens: 20 });
    expect(s.plain).toBe('the sky is blue');
    expect(s.short).toBe('sk-1');
  });

  it('does not redact when redaction is off', () => {
    expect(snapshot({ password: 'p' }, limits, false).value).toEqual({ password: 'p' });
  });

  it('small flat objects (the fast path) give what the walker gives: redaction, numbers, undefined, size', () => {
    const fields = { q: 'What is the capital of France?', n: 3, nan: NaN, ok: true, nil: null, u: undefined, api_key: 'k', auth: 'Bearer abcdefghijklmnop' };
    const flat = snapshot(fields);
    // A null-prototype copy is not a plain object: the walker takes it.
    const walked = snapshot(Object.assign(Object.create(null) as object, fields));
    expect(flat.value).toEqual({ q: fields.q, n: 3, nan: 'NaN', ok: true, nil: null, api_key: REDACTED, auth: REDACTED });
    expect({ ...(walked.value as object) }).toEqual(flat.value);
    expect(flat.bytes).toBe(walked.bytes);
    expect(flat.value).not.toBe(fields);
  });

  it('a flat object over the byte cap is cut by the cap, as the walker cuts it', () => {
    const wide = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'y'.repeat(1_000)]));
    const s = snapshot(wide, { ...limits, maxBytes: 8_000 });
    expect(s.truncated).toBe(true);
    expect(s.bytes).toBeLessThanOrEqual(8_000 + 1_100);
    expect(Object.keys(s.value as object).length).toBeLessThan(20);
  });

  it('leaves the fast path for nested values, long strings, toJSON and throwing getters', () => {
    expect(snapshot({ a: { b: 1 } }).value).toEqual({ a: { b: 1 } });
    const long = snapshot({ s: 'x'.repeat(40_000) });
    expect(long.truncated).toBe(true);
    expect((long.value as { s: string }).s).toMatch(/…\[truncated 7232 chars\]$/);
    expect(snapshot({ toJSON: () => 'custom', x: 1 }).value).toBe('custom');
    let reads = 0;
    const o = { ok: 1, get bad(): number { reads++; throw new Error('boom'); } };
    expect(snapshot(o).value).toEqual({ ok: 1, bad: '[Thrown: boom]' });
    expect(reads).toBeLessThanOrEqual(2);
  });
});
