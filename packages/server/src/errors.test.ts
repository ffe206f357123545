/** Keeps docs/errors.md and the error registry in sync: every code documented with its status. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map<string, number>();
for (const m of doc.matchAll(/^\| `(WISP_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)) rows.set(m[1]!, Number(m[2]));

describe('error registry', () => {
  it('every code is documented in docs/errors.md with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      expect(rows.get(code), `${code} in docs/errors.md`).toBe(status);
    }
  });
  it('docs/errors.md documents no code that does not exist', () => {
    for (const code of rows.keys()) expect(Object.hasOwn(ERRORS, code), `${code} in errors.ts`).toBe(true);
  });
  it('bad input is never a 5xx: only availability and bugs are', () => {
    const fiveXX = Object.entries(ERRORS).filter(([, e]) => e.status >= 500).map(([c]) => c).sort();
    expect(fiveXX).toEqual(['WISP_ERR_INTERNAL', 'WISP_ERR_QUERY_TIMEOUT', 'WISP_ERR_UNAVAILABLE']);
  });
});
